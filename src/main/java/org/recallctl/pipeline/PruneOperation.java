package org.recallctl.pipeline;

import java.util.List;

/**
 * {@code recallctl prune}: retention on its own, cron-able, under the run lock. Releases history generations
 * that stopped serving more than retention.grace_s ago, drops this pipeline's marked collections that are
 * neither serving, key2, nor within the last retention.keep generations (older generations, leftovers of
 * failed runs). It also clears key2 when it names a collection that does not exist (dropped by hand): under the
 * run lock no other run holds the lock, a run that lost it had created its collection right after setting key2
 * (and its switch is fenced by the lock token), and a build into that name or an alternate-naming rebuild would
 * otherwise refuse it forever. {@code --dry-run} only reads and lists what it would do.
 */
public final class PruneOperation implements Operation<PruneOperation.Result> {
    private final boolean dryRun;

    public PruneOperation(boolean dryRun) {
        this.dryRun = dryRun;
    }

    /** {@code staleBuilding}: the missing collection key2 named (cleared, or to clear in a dry run), or null. */
    public record Result(boolean dryRun, String staleBuilding, RetentionPlan plan, Retention.Outcome outcome) {
    }

    @Override
    public String command() {
        return dryRun ? "prune --dry-run" : "prune";
    }

    @Override
    public boolean dryRun() {
        return dryRun;
    }

    @Override
    public Result run(OperationRunner.Run run) {
        String stale = run.pointers().building().filter(b -> !run.milvus().hasCollection(b)).orElse(null);
        if (stale != null && !dryRun) {
            run.pointers().clearBuilding(stale);
            run.report().decide("cleared key2 " + run.pointers().keys().building() + ": it named " + stale
                    + ", which does not exist");
        }
        Retention retention = new Retention(run.cfg(), run.milvus(), run.log());
        RetentionPlan plan = run.step("plan", step -> {
            RetentionPlan p = retention.planNow(run.pointers(), run.clock().millis());
            step.put("kept", p.kept()).put("release", p.release()).put("drop", p.drop()).put("skipped", p.skipped());
            return p;
        });
        if (dryRun) {
            return new Result(true, stale, plan, new Retention.Outcome(plan.kept(), List.of(), List.of(), plan.skipped(), List.of()));
        }
        Retention.Outcome outcome = run.step("prune", step -> {
            Retention.Outcome o = retention.apply(plan, run.pointers());
            step.put("released", o.released()).put("dropped", o.dropped()).put("skipped", o.skipped())
                    .put("failed", o.failed());
            return o;
        });
        outcome.failed().forEach(f -> run.warn("prune: " + f + "; the next run or prune retries"));
        if (!outcome.released().isEmpty()) {
            run.report().decide("released " + outcome.released());
        }
        if (!outcome.dropped().isEmpty()) {
            run.report().decide("dropped " + outcome.dropped());
        }
        return new Result(false, stale, plan, outcome);
    }

    @Override
    public String summary(Result r) {
        return (r.dryRun() ? "prune dry run: would release " + r.plan().release() + ", drop " + r.plan().drop()
                : "pruned: released " + r.outcome().released() + ", dropped " + r.outcome().dropped());
    }
}
