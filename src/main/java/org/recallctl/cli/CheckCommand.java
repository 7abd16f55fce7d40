package org.recallctl.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.CheckRefusedException;
import org.recallctl.error.ConfigException;
import org.recallctl.error.ExitCodes;
import org.recallctl.error.RecallctlException;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.output.Json;
import org.recallctl.output.Log;
import org.recallctl.output.Table;
import org.recallctl.pipeline.Alerter;
import org.recallctl.pipeline.CheckStep;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.source.MysqlItemSource;
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
        try (RedisPointerStore redis = RedisPointerStore.connect(cfg);
             MysqlItemSource source = MysqlItemSource.open(cfg, 1);
             MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            Optional<String> serving = redis.current();
            CheckStep step = new CheckStep(cfg, source, milvus, log);
            if (built == null) {
                CheckStep.Before b = step.evaluateBefore(serving);
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
                if (!b.ok()) {
                    throw alerted(cfg, log, new CheckRefusedException("check refused: " + b.verdict().summary()));
                }
                return ExitCodes.OK;
            }
            long s = source.count();
            CheckStep.After a = step.evaluateAfter(built, s, expectRejected, null, serving);
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
            if (!a.ok()) {
                throw alerted(cfg, log, new CheckRefusedException("post-build check of " + built + " refused: "
                        + String.join("; ", a.problems())));
            }
            return ExitCodes.OK;
        }
    }

    private static RecallctlException alerted(RecallConfig cfg, Log log, RecallctlException e) {
        new Alerter(cfg.alert(), log).notify(cfg.pipeline(), "check", e.exitCode(), e.getMessage(), null);
        return e;
    }
}
