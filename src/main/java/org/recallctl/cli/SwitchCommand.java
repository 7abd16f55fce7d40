package org.recallctl.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.ConfigException;
import org.recallctl.error.ExitCodes;
import org.recallctl.error.RecallctlException;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.output.Json;
import org.recallctl.output.Log;
import org.recallctl.pipeline.Alerter;
import org.recallctl.pipeline.CheckStep;
import org.recallctl.pipeline.SwitchStep;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.pointer.RunLock;
import org.recallctl.source.MysqlItemSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "switch", description = {"Point key1 (and the Milvus alias, when collection.alias is set) at a "
        + "collection that passes the post-build check, by compare-and-set; then apply retention. Switching to "
        + "what already serves changes nothing (exit 0). Exit 6 when key1 moved under us."})
public class SwitchCommand implements Callable<Integer> {
    private final CliContext ctx;
    @Mixin
    CommonOptions common;
    @Mixin
    JsonOption json;
    @Option(names = "--to", paramLabel = "NAME", required = true, description = "Collection to serve.")
    String to;
    @Option(names = "--expect-current", paramLabel = "NAME",
            description = "Switch only if key1 names NAME (default: whatever key1 names when the command starts); "
                    + "'-' means key1 must be unset.")
    String expectCurrent;
    @Option(names = "--expect-rejected", paramLabel = "N", defaultValue = "0",
            description = "Rows the build rejected as bad, for the post-build check (default: ${DEFAULT-VALUE}).")
    long expectRejected;

    SwitchCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        RecallConfig cfg = common.load(ctx, CommonOptions.Flags.none()).config();
        Log log = common.log(ctx);
        if (to.isBlank()) {
            throw new ConfigException("--to needs a collection name");
        }
        try {
            SwitchStep.Result r = run(cfg, log);
            print(r);
            return ExitCodes.OK;
        } catch (RecallctlException e) {
            new Alerter(cfg.alert(), log).notify(cfg.pipeline(), "switch", e.exitCode(), e.getMessage(), null);
            throw e;
        }
    }

    private SwitchStep.Result run(RecallConfig cfg, Log log) {
        try (RedisPointerStore redis = RedisPointerStore.connect(cfg);
             RunLock lock = redis.acquireLock("switch --to " + to, cfg.build().lockTtlS() * 1000L, log::warn);
             MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            Optional<String> now = redis.current();
            Optional<String> expected = expectCurrent == null ? now
                    : "-".equals(expectCurrent) ? Optional.empty() : Optional.of(expectCurrent);
            SwitchStep step = new SwitchStep(cfg, milvus, redis, log);
            if (!now.filter(to::equals).isPresent()) {
                // safety rule 1: the target passes the post-build check before key1 may name it
                try (MysqlItemSource source = MysqlItemSource.open(cfg, 1)) {
                    new CheckStep(cfg, source, milvus, log).after(to, source.count(), expectRejected, null, expected);
                }
            }
            return step.run(to, expected);
        }
    }

    private void print(SwitchStep.Result r) {
        if (json.enabled()) {
            Json.print(ctx.out(), r);
            return;
        }
        if (r.alreadyServing()) {
            ctx.out().println(r.target() + " already serving; nothing changed");
        } else {
            ctx.out().println("switched: " + (r.previous() == null ? "(unset)" : r.previous()) + " -> " + r.target());
            if (!"none".equals(r.aliasAction())) {
                ctx.out().println("alias: " + r.aliasAction());
            }
            ctx.out().println("retention: kept " + r.retention().kept() + ", dropped " + r.retention().dropped()
                    + (r.retention().skipped().isEmpty() ? "" : ", skipped " + r.retention().skipped()));
        }
        ctx.out().flush();
    }
}
