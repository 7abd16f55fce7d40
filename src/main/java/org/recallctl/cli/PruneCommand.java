package org.recallctl.cli;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.ExitCodes;
import org.recallctl.output.Json;
import org.recallctl.output.Log;
import org.recallctl.output.Table;
import org.recallctl.pipeline.OperationRunner;
import org.recallctl.pipeline.PruneOperation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "prune", description = {"Retention on its own (cron-able), under the run lock: release history "
        + "collections that stopped serving more than retention.grace_s ago, drop this pipeline's marked "
        + "collections beyond retention.keep and leftovers of failed runs. Never the serving one, key2's, or one "
        + "a Milvus alias points at; never a collection without this pipeline's mark. Clears key2 when it names a "
        + "collection that does not exist (dropped by hand)."})
public class PruneCommand implements Callable<Integer> {
    private final CliContext ctx;
    @Mixin
    CommonOptions common;
    @Mixin
    JsonOption json;
    @Mixin
    ReportOption report;
    @Option(names = "--dry-run", description = "List what would be released and dropped; change nothing.")
    boolean dryRun;

    PruneCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        RecallConfig cfg = common.load(ctx, CommonOptions.Flags.none()).config();
        Log log = common.log(ctx);
        PruneOperation.Result r;
        try {
            r = new OperationRunner(cfg, log, ctx.connections(), Clock.systemUTC()).run(new PruneOperation(dryRun),
                    report.file());
        } finally {
            ctx.connections().endCommand();
        }
        if (json.enabled()) {
            Json.print(ctx.out(), r);
            return ExitCodes.OK;
        }
        Table t = new Table("COLLECTION", dryRun ? "WOULD" : "DONE");
        if (r.staleBuilding() != null) {
            t.row(r.staleBuilding(), dryRun ? "clear key2 (no such collection)" : "key2 cleared (no such collection)");
        }
        r.plan().kept().forEach(c -> t.row(c, r.plan().release().contains(c)
                ? (dryRun ? "release (keep)" : r.outcome().released().contains(c) ? "released (kept)" : "keep")
                : "keep"));
        List<String> dropped = dryRun ? r.plan().drop() : r.outcome().dropped();
        r.plan().drop().forEach(c -> t.row(c, dryRun ? "drop" : dropped.contains(c) ? "dropped" : "not dropped"));
        r.outcome().skipped().forEach(s -> t.row(s, "skipped"));
        r.outcome().failed().forEach(s -> t.row(s, "FAILED"));
        t.print(ctx.out());
        ctx.out().println(dryRun ? "dry run: nothing was changed" : "pruned: released " + r.outcome().released().size()
                + ", dropped " + r.outcome().dropped().size());
        ctx.out().flush();
        return ExitCodes.OK;
    }
}
