package org.recallctl.cli;

import java.time.Clock;
import java.util.concurrent.Callable;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.CheckRefusedException;
import org.recallctl.error.ConfigException;
import org.recallctl.error.ExitCodes;
import org.recallctl.output.Json;
import org.recallctl.output.Log;
import org.recallctl.output.Table;
import org.recallctl.pipeline.CheckStep;
import org.recallctl.pipeline.Operation;
import org.recallctl.pipeline.OperationRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "check", description = {"Before a build: compare the source row count (honouring source.where) "
        + "with the serving collection's against thresholds.*. With --built: reconcile a built collection with "
        + "the source, in total and per partition, and check its index and load state. Exit 3 when refused."})
public class CheckCommand implements Callable<Integer> {
    private final CliContext ctx;
    @Mixin
    CommonOptions common;
    @Mixin
    JsonOption json;
    @Mixin
    ReportOption report;
    @Option(names = "--built", paramLabel = "COLLECTION", description = "Check this built collection instead.")
    String built;
    @Option(names = "--expect-rejected", paramLabel = "N", defaultValue = "0",
            description = "With --built: rows the build rejected as bad (default: ${DEFAULT-VALUE}).")
    long expectRejected;

    CheckCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (expectRejected < 0) {
            throw new ConfigException("--expect-rejected must be 0 or more, got " + expectRejected);
        }
        RecallConfig cfg = common.load(ctx, CommonOptions.Flags.none()).config();
        Log log = common.log(ctx);
        // not mutating (no lock), but through the runner like every pipeline command: report, alert on refusal
        try {
            new OperationRunner(cfg, log, ctx.connections(), Clock.systemUTC()).run(Operation.of(
                    built == null ? "check" : "check --built " + built, false, run -> {
                        if (built == null) {
                            before(run, cfg);
                        } else {
                            after(run, cfg);
                        }
                        return null;
                    }), report.file());
        } finally {
            ctx.connections().endCommand();
        }
        return ExitCodes.OK;
    }

    private void before(OperationRunner.Run run, RecallConfig cfg) {
        run.step("check", step -> {
            CheckStep.Before x = new CheckStep(cfg, run.source(1), run.milvus(), run.log())
                    .evaluateBefore(run.pointers().current());
            step.put("source_rows", x.sourceRows()).put("serving", x.serving())
                    .put("serving_rows", x.servingRows()).put("verdict", x.verdict().summary());
            printBefore(x, cfg);
            if (!x.ok()) {
                throw new CheckRefusedException("check refused: " + x.verdict().summary());
            }
            return x;
        });
    }

    private void printBefore(CheckStep.Before b, RecallConfig cfg) {
        if (json.enabled()) {
            Json.print(ctx.out(), b);
        } else {
            Table t = new Table("CHECK", "VALUE");
            t.row("source rows (" + cfg.source().table() + ")", b.sourceRows());
            t.row("serving", b.serving() == null ? "-" : b.serving());
            t.row("serving rows", b.servingRows());
            t.row("verdict", b.ok() ? "ok" : "REFUSED");
            b.verdict().breaches().forEach(x -> t.row("  " + x.key(), x.message()));
            b.notes().forEach(n -> t.row("note", n));
            t.print(ctx.out());
        }
    }

    private void after(OperationRunner.Run run, RecallConfig cfg) {
        var source = run.source(1);
        long s = source.count();
        run.step("check_built", step -> {
            CheckStep.After x = new CheckStep(cfg, source, run.milvus(), run.log())
                    .evaluateAfter(built, s, expectRejected, null, run.pointers().current());
            step.put("built_rows", x.builtRows()).put("problems", x.problems());
            printAfter(x, s);
            if (!x.ok()) {
                throw new CheckRefusedException("post-build check of " + built + " refused: "
                        + String.join("; ", x.problems()));
            }
            return x;
        });
    }

    private void printAfter(CheckStep.After a, long s) {
        if (json.enabled()) {
            Json.print(ctx.out(), a);
        } else {
            Table t = new Table("PARTITION", "SOURCE", "BUILT", "OK");
            if (a.reconciliation() != null) {
                a.reconciliation().partitions().forEach(p -> t.row(p.partition(), p.source(), p.built(),
                        p.ok() || (p.rejected() < 0 && p.built() <= p.source()) ? "yes" : "NO"));
                t.row("total", s + (expectRejected > 0 ? " - " + expectRejected + " rejected" : ""), a.builtRows(),
                        a.reconciliation().ok() ? "yes" : "NO");
            }
            t.print(ctx.out());
            ctx.out().println("index " + a.index().state() + ", load " + a.load().state() + ", serving rows "
                    + (a.servingRows() == null ? "-" : a.servingRows()));
            ctx.out().println(a.ok() ? "verdict: ok" : "verdict: REFUSED");
            a.problems().forEach(p -> ctx.out().println("  !! " + p));
            ctx.out().flush();
        }
    }
}
