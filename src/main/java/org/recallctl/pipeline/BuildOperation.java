package org.recallctl.pipeline;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.CheckRefusedException;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.output.Progress;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.source.MysqlItemSource;

/**
 * {@code build} alone, under the run lock: refuses the serving, the rollback and key2's collection, marks key2
 * while it builds (on failure key2 is cleared and the collection released) and leaves key2 naming the finished
 * collection, which keeps it out of retention's reach until {@code switch --to} (which deletes key2) or the
 * next rebuild. DESIGN §4: key2 is deleted when the switch completes or the build fails.
 */
public final class BuildOperation implements Operation<BuildResult> {
    private final String collection;
    private final Progress progress;
    private final boolean resume;

    /** @param collection the target, or null for the next name of collection.naming */
    public BuildOperation(String collection, Progress progress) {
        this(collection, progress, false);
    }

    /** @param resume continue the interrupted build of the checkpoint (its target unless {@code collection} names it) */
    public BuildOperation(String collection, Progress progress, boolean resume) {
        this.collection = collection == null || collection.isBlank() ? null : collection;
        this.progress = progress;
        this.resume = resume;
    }

    @Override
    public String command() {
        return "build" + (collection == null ? "" : " --collection " + collection) + (resume ? " --resume" : "");
    }

    @Override
    public BuildResult run(OperationRunner.Run run) {
        RecallConfig cfg = run.cfg();
        RedisPointerStore pointers = run.pointers();
        Optional<String> serving = pointers.current();
        List<String> history = pointers.history();
        Optional<String> rollback = history.stream().findFirst();
        String target = collection;
        if (resume && target == null) {
            target = BuildStep.checkpointTarget(pointers.checkpoints()).orElseThrow(() -> new CheckRefusedException(
                    "nothing to resume: no build checkpoint in " + pointers.checkpoints().key() + " (the last build "
                    + "finished, or none ran); run without --resume to build from scratch"));
        }
        if (target == null) {
            target = new CollectionNaming(cfg.collection()).next(serving, run.clock());
            if (cfg.collection().naming() == RecallConfig.Naming.ALTERNATE && rollback.filter(target::equals).isPresent()) {
                // DESIGN 5.2: under A/B naming the next target is the rollback generation; say so, do not refuse
                run.warn("building into " + target + ", the rollback collection: under alternate naming this gives up "
                        + "rollback (timestamp naming keeps it)");
                rollback = Optional.empty();
            }
        }
        String t = target;
        Optional<String> rb = rollback;
        BuildStep.refuseProtected(t, serving, rb); // before opening MySQL and Milvus
        if (!resume) {
            // a resumed build continues the target key2 still names after a kill (the lock keeps others out)
            refuseBuilding(pointers, t, "build into", run.milvus()::hasCollection);
        }
        run.report().pointer("serving_before", serving.orElse(null));
        run.report().pointer("target", t);
        run.log().info("building %s from %s (%d partitions, %d readers, %d writers, batches of %d rows, method %s)", t,
                cfg.source().table(), cfg.collection().partitions(), cfg.build().readers(), cfg.build().writers(),
                cfg.build().batchRows(), cfg.build().method().name().toLowerCase(java.util.Locale.ROOT));
        MilvusGateway milvus = run.milvus();
        MysqlItemSource source = run.source(cfg.build().readers() + 1);
        pointers.setBuilding(t);
        run.onFailure(() -> pointers.clearBuilding(t));
        run.onFailure(() -> releaseFailed(pointers, milvus, t, run.report()));
        run.report().decide("key2 " + pointers.keys().building() + " set to " + t);
        return run.step("build", step -> {
            BuildStep build = new BuildStep(cfg, source, milvus, BuildListener.both(BuildListener.progress(progress),
                    reportKeptFiles(run))).checkpoints(pointers.checkpoints(), resume, run::warn);
            BuildResult r = build.run(t, serving, rb);
            step.put("written", r.written()).put("rejected", r.rejected()).put("phase_seconds", r.phaseSeconds());
            run.report().count("written", r.written());
            run.report().count("rejected", r.rejected());
            reportResume(run.report(), step, build.resumeSummary());
            run.report().decide("built " + t + "; key2 names it until it is switched to");
            return r;
        });
    }

    @Override
    public String summary(BuildResult r) {
        return "built " + r.collection();
    }

    /**
     * Nothing writes into what key2 names (another run's target, or a finished build awaiting its switch): a build
     * and an nlist sweep refuse it (exit 3). {@code doing} says what was refused, e.g. "build into"; {@code exists}
     * tells a key2 that names a collection dropped by hand, whose way out is prune, not switch.
     */
    public static void refuseBuilding(RedisPointerStore pointers, String target, String doing, Predicate<String> exists) {
        if (pointers.building().filter(target::equals).isEmpty()) {
            return;
        }
        String refused = "refusing to " + doing + " '" + target + "': key2 " + pointers.keys().building() + " names it";
        if (!exists.test(target)) {
            throw new CheckRefusedException(refused + ", but no such collection exists (dropped by hand?); `recallctl "
                    + "prune` clears a key2 that names a missing collection, or build into another name");
        }
        throw new CheckRefusedException(refused + " (a finished build awaiting its switch, or a run that lost its lock "
                + "still writing it); switch to it, or build into another name");
    }

    /** The resumable build's numbers in the report: rows read by this run, and what a resume did not redo. */
    static void reportResume(RunReport report, RunReport.Step step, BuildStep.Resume r) {
        if (r == null) {
            return;
        }
        step.put("resume", r);
        report.count("rows_read", r.rowsReadThisRun());
        if (r.resumed()) {
            report.count("rows_confirmed_before", r.rowsConfirmedBefore());
            report.decide("resumed from the checkpoint: " + r.rowsConfirmedBefore() + " rows confirmed by the "
                    + "interrupted run were not read again; " + r.rangesSkipped() + " key range(s) complete, "
                    + r.rangesContinued() + " continued" + (r.tailsDeleted().isEmpty() ? "" : "; unconfirmed ids "
                    + String.join(", ", r.tailsDeleted()) + " deleted before being written again"));
        }
    }

    /** build.method import: import files kept after a failure are a warning and a line in the run report. */
    static BuildListener reportKeptFiles(OperationRunner.Run run) {
        return new BuildListener() {
            @Override
            public void importFilesKept(String where) {
                run.warn("import files kept for inspection: " + where + " (remove them when done)");
                run.report().decide("import files kept in " + where);
            }
        };
    }

    /** Releases a failed run's collection (never one key1 names): it never serves, never counts as a generation. */
    static void releaseFailed(RedisPointerStore redis, MilvusGateway milvus, String target, RunReport report) {
        if (redis.current().filter(target::equals).isPresent() || !milvus.hasCollection(target)) {
            return;
        }
        milvus.release(target);
        report.decide("released " + target + ", the failed run's collection (dropped by the next run or 'recallctl prune')");
    }
}
