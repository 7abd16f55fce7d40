package org.recallctl.cli;

import java.util.concurrent.Callable;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.ExitCodes;
import org.recallctl.error.RecallctlException;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.output.Json;
import org.recallctl.output.Log;
import org.recallctl.output.Progress;
import org.recallctl.pipeline.Alerter;
import org.recallctl.pipeline.RollbackStep;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.pointer.RunLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "rollback", description = {"Point key1 back at the newest history entry (compare-and-set) after "
        + "checking it exists, is indexed and loaded (loading it when released); mirrors the Milvus alias."})
public class RollbackCommand implements Callable<Integer> {
    private final CliContext ctx;
    @Mixin
    CommonOptions common;
    @Mixin
    JsonOption json;

    RollbackCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        RecallConfig cfg = common.load(ctx, CommonOptions.Flags.none()).config();
        Log log = common.log(ctx);
        RollbackStep.Result r;
        try (RedisPointerStore redis = RedisPointerStore.connect(cfg);
             RunLock lock = redis.acquireLock("rollback", cfg.build().lockTtlS() * 1000L, log::warn);
             MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            r = new RollbackStep(cfg, milvus, redis, log,
                    Progress.forStderr(ctx.err(), ctx.errIsTerminal(), common.quiet())).run();
        } catch (RecallctlException e) {
            new Alerter(cfg.alert(), log).notify(cfg.pipeline(), "rollback", e.exitCode(), e.getMessage(), null);
            throw e;
        }
        new Alerter(cfg.alert(), log).notify(cfg.pipeline(), "rollback", 0, "rolled back to " + r.to(), null);
        if (json.enabled()) {
            Json.print(ctx.out(), r);
        } else {
            ctx.out().println("rolled back: " + (r.from() == null ? "(unset)" : r.from()) + " -> " + r.to() + " ("
                    + r.rows() + " rows" + (r.loadedNow() ? ", loaded now" : "") + ")");
            if (!"none".equals(r.aliasAction())) {
                ctx.out().println("alias: " + r.aliasAction());
            }
            ctx.out().flush();
        }
        return ExitCodes.OK;
    }
}
