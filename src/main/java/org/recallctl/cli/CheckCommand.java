package org.recallctl.cli;

import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.CheckRefusedException;
import org.recallctl.error.ConfigException;
import org.recallctl.error.DependencyException;
import org.recallctl.error.ExitCodes;
import org.recallctl.output.Json;
import org.recallctl.output.Log;
import org.recallctl.output.Table;
import org.recallctl.pipeline.CheckStep;
import org.recallctl.pipeline.GateStep;
import org.recallctl.pipeline.Operation;
import org.recallctl.pipeline.OperationRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "check", description = {"Before a build: compare the source row count (honouring source.where) "
        + "with the serving collection's against thresholds.*. With --built: reconcile a built collection with "
        + "the source, in total and per partition, and check its index and load state. With --recall: the recall gate "
        + "and spot-check of rebuild (gate.*) on the serving collection or --collection. Exit 3 when refused."})
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
    @Option(names = "--recall", description = "Run the recall gate and content spot-check (gate.*) on the serving "
            + "collection, or on --collection: mean recall@K against exact brute force, worst 1%%, TopK overlap with the "
            + "serving collection, rows compared with the source.")
    boolean recall;
    @Option(names = "--collection", paramLabel = "NAME", description = "With --recall: gate this collection instead of "
            + "the serving one (key1), e.g. a built generation before 'switch'.")
    String collection;

    CheckCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (expectRejected < 0) {
            throw new ConfigException("--expect-rejected must be 0 or more, got " + expectRejected);
        }
        if (collection != null && !recall) {
            throw new ConfigException("--collection " + collection + " goes with --recall (use --built NAME for the "
                    + "post-build count check)");
        }
        if (recall && built != null) {
            throw new ConfigException("--recall and --built are two checks: run them one at a time");
        }
        RecallConfig cfg = common.load(ctx, CommonOptions.Flags.none()).config();
        Log log = common.log(ctx);
        // not mutating (no lock), but through the runner like every pipeline command: report, alert on refusal
        try {
            new OperationRunner(cfg, log, ctx.connections(), Clock.systemUTC()).run(Operation.of(
                    recall ? "check --recall" + (collection == null ? "" : " --collection " + collection)
                            : built == null ? "check" : "check --built " + built, false, run -> {
                        if (recall) {
                            gate(run, cfg);
                        } else if (built == null) {
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

    private void gate(OperationRunner.Run run, RecallConfig cfg) {
        Optional<String> serving;
        try {
            serving = run.pointers().current();
        } catch (DependencyException e) {
            if (collection == null) {
                throw e;
            }
            run.warn("cannot read key1 (" + e.getMessage() + "): no overlap with the serving collection");
            serving = Optional.empty();
        }
        String target = collection != null ? collection : serving.orElseThrow(() -> new ConfigException(
                "no serving collection: " + run.pointers().keys().current() + " is not set; pass --collection NAME"));
        run.reader().requireCollection(target, collection != null ? "--collection" : "the serving pointer (key1)");
        Optional<String> against = serving;
        run.step("gate", step -> {
            GateStep.Result g = new GateStep(cfg, run.source(2), run.reader(), run::milvus, run.log()).evaluate(target, against);
            GateStep.record(run.report(), step, g);
            printGate(g);
            GateStep.refuseUnless(g);
            return g;
        });
    }

    private void printGate(GateStep.Result g) {
        if (json.enabled()) {
            Json.print(ctx.out(), g);
            return;
        }
        var r = g.recall();
        Table t = new Table("GATE", "VALUE").leftAligned().wrap(1, 100);
        t.row("collection", g.collection());
        t.row("queries", r.queries() + " sampled from the source (gate.seed), K=" + r.k() + ", search.params " + r.params());
        t.row("ground truth", r.groundTruthCached() ? "cache hit" : String.format(Locale.ROOT, "brute force, %.2f s",
                r.groundTruthSeconds()));
        t.row("mean recall@" + r.k(), String.format(Locale.ROOT, "%.4f (gate.min_recall %s)", r.meanRecall(), r.minRecall()));
        t.row("worst 1% recall", String.format(Locale.ROOT, "%.4f", r.worst1pctRecall()));
        var o = g.overlap();
        t.row("overlap with serving", o.mean() == null ? "not measured: " + o.note()
                : String.format(Locale.ROOT, "%.4f vs %s%s", o.mean(), o.serving(),
                o.minOverlap() == null ? " (reported only)" : " (gate.min_overlap " + o.minOverlap() + ")"));
        var sc = g.spotCheck();
        t.row("spot-check", sc == null ? "off (gate.spot_check 0)" : sc.compared() + " rows compared, "
                + sc.mismatches().size() + " mismatches" + (sc.absent() > 0 ? ", " + sc.absent()
                + " sampled rows not in the collection" : ""));
        t.row("verdict", g.ok() ? "ok" : "REFUSED");
        g.problems().forEach(p -> t.row("  !!", p));
        t.print(ctx.out());
        ctx.out().flush();
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
