package org.recallctl.cli;

import java.util.concurrent.Callable;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.ConfigException;
import org.recallctl.error.ExitCodes;
import org.recallctl.output.Json;
import org.recallctl.output.Log;
import org.recallctl.output.Progress;
import org.recallctl.output.Table;
import org.recallctl.pipeline.WarmupStep;
import org.recallctl.pointer.RedisPointerStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "warmup", description = {"Load a collection and run simulated queries over every partition until "
        + "the p99 latency settles (warmup.*); print cold vs warm p50/p99."})
public class WarmupCommand implements Callable<Integer> {
    private final CliContext ctx;
    @Mixin
    CommonOptions common;
    @Mixin
    JsonOption json;
    @Option(names = "--collection", paramLabel = "NAME",
            description = "Collection to warm (default: the one being built, key2, else the serving one, key1).")
    String collection;
    @Option(names = "--random-vectors", description = "Query with random unit vectors instead of source samples.")
    boolean random;

    WarmupCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        RecallConfig cfg = common.load(ctx, CommonOptions.Flags.none()).config();
        Log log = common.log(ctx);
        String target = collection;
        WarmupStep.Result r;
        try {
            if (target == null) {
                RedisPointerStore redis = ctx.connections().pointers(cfg);
                target = redis.building().or(redis::current).orElseThrow(() -> new ConfigException(
                        "nothing to warm: neither " + redis.keys().building() + " nor " + redis.keys().current()
                                + " is set; name one with --collection"));
            }
            r = new WarmupStep(cfg, ctx.connections().milvusWrites(cfg),
                    ctx.connections().milvusReads(cfg, cfg.search().timeoutMs()),
                    random ? null : ctx.connections().source(cfg), log,
                    Progress.forStderr(ctx.err(), ctx.errIsTerminal(), common.quiet())).run(target);
        } finally {
            ctx.connections().endCommand();
        }
        if (json.enabled()) {
            Json.print(ctx.out(), r);
        } else {
            ctx.out().printf("%s loaded in %.1f s; %d queries (%s vectors), stopped: %s%n", r.collection(),
                    r.loadSeconds(), r.queries(), r.vectors(), r.stoppedBecause());
            Table t = new Table("PHASE", "QUERIES", "P50 MS", "P99 MS", "MAX MS");
            t.row("cold (first window)", r.cold().queries(), r.cold().p50Ms(), r.cold().p99Ms(), r.cold().maxMs());
            t.row("warm (last window)", r.warm().queries(), r.warm().p50Ms(), r.warm().p99Ms(), r.warm().maxMs());
            t.print(ctx.out());
        }
        return ExitCodes.OK;
    }
}
