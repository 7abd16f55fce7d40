package org.recallctl.pipeline;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.ExitCodes;
import org.recallctl.error.RecallctlException;
import org.recallctl.milvus.IndexInfo;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.output.Log;
import org.recallctl.output.Progress;
import org.recallctl.pointer.LockInfo;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.session.Connections;
import org.recallctl.source.ItemSource;
import org.recallctl.source.MysqlItemSource;

/**
 * {@code rebuild}: check, build, warmup, check the built collection, switch; stops at the first failure with its
 * exit code. Holds the run lock throughout, marks the target in key2 while building, and on any failure or
 * interrupt removes key2 and the lock while leaving key1 and the serving collection exactly as they were
 * (safety rule 3: only the switch step writes key1, and it is the last step). {@code --dry-run} only reads.
 */
public final class RebuildChain {
    /** Test seams: observe or disturb a run at well-defined points (fault injection in the acceptance tests). */
    public interface Hooks {
        default BuildListener buildListener() {
            return BuildListener.none();
        }

        default void beforeSwitch(String target) {
        }

        /** After check_built, before the recall gate reads the new collection. */
        default void beforeGate(String target) {
        }

        /** Right after key1 moved, before the serve probe (tests make the new collection unservable here). */
        default void afterSwitch(String target) {
        }
    }

    public static final Hooks NO_HOOKS = new Hooks() {
    };

    /** What a run would do; printed by --dry-run and recorded in every report. */
    public record Plan(String pipeline, String naming, String serving, List<String> history, String target,
                       boolean targetExists, boolean rollbackGivenUp, String rollbackAfterSwitch,
                       long sourceRows, Long servingRows, String verdict, List<String> breaches,
                       List<String> dropAfterSwitch, String lockHolder, List<String> notes) {
        public boolean wouldRefuse() {
            return !breaches.isEmpty();
        }
    }

    public record Result(RunReport report, Plan plan, BuildResult build, SwitchStep.Result switched) {
    }

    private final RecallConfig cfg;
    private final Log log;
    private final Progress progress;
    private final Clock clock;
    private final Hooks hooks;
    private final Connections connections;
    private boolean skipGate;
    private Duration watch = Duration.ZERO;

    /** A chain with its own connections, closed when the run ends (tests, one-off use). */
    public RebuildChain(RecallConfig cfg, Log log, Progress progress, Clock clock, Hooks hooks) {
        this(cfg, log, progress, clock, hooks, null);
    }

    /** A chain on the command's connections (warm in the shell); they are not closed here. */
    public RebuildChain(RecallConfig cfg, Log log, Progress progress, Clock clock, Hooks hooks, Connections connections) {
        this.cfg = cfg;
        this.log = log;
        this.progress = progress;
        this.clock = clock;
        this.hooks = hooks == null ? NO_HOOKS : hooks;
        this.connections = connections;
    }

    /** {@code rebuild --skip-gate}: switch without the recall gate and spot-check, said loudly everywhere. */
    public RebuildChain skipGate(boolean skip) {
        this.skipGate = skip;
        return this;
    }

    /** Why the gate does not run, or null when it does. */
    private String gateSkipped() {
        return GateStep.skippedBy(skipGate, cfg);
    }

    /** {@code rebuild --watch}: keep probing the new collection this long after the switch; a breach reverts it. */
    public RebuildChain watch(Duration window) {
        this.watch = window == null ? Duration.ZERO : window;
        return this;
    }

    /** Runs the chain (or only plans it) through the {@link OperationRunner}; on failure rethrows its exit code. */
    public Result run(boolean dryRun, Path reportFile) {
        return run(dryRun, false, reportFile);
    }

    /**
     * @param resume continue the build an interrupted run left in its checkpoint (same target, confirmed key
     *               ranges not read again) instead of building the next generation from scratch
     */
    public Result run(boolean dryRun, boolean resume, Path reportFile) {
        Connections c = connections != null ? connections : Connections.perCommand();
        try {
            return new OperationRunner(cfg, log, c, clock).run(new Op(dryRun, resume), reportFile);
        } finally {
            if (connections == null) {
                c.close();
            }
        }
    }

    private final class Op implements Operation<Result> {
        private final boolean dryRun;
        private final boolean resume;

        Op(boolean dryRun, boolean resume) {
            this.dryRun = dryRun;
            this.resume = resume;
        }

        @Override
        public String command() {
            return resume ? "rebuild --resume" : "rebuild";
        }

        @Override
        public boolean dryRun() {
            return dryRun;
        }

        @Override
        public Result run(OperationRunner.Run run) {
            return dryRun ? plan(run, resume) : live(run, resume);
        }

        @Override
        public int exitCode(Result r) {
            return dryRun && r.plan().wouldRefuse() ? ExitCodes.CHECK_REFUSED : ExitCodes.OK;
        }

        @Override
        public String summary(Result r) {
            return dryRun ? "dry run: " + r.plan().verdict() : "switched to " + r.plan().target();
        }
    }

    private Result plan(OperationRunner.Run run, boolean resume) {
        Plan plan = run.step("plan", step -> {
            Plan p = makePlan(run.pointers(), run.source(1), run.milvus(), false, resume);
            step.put("plan", p);
            return p;
        });
        plan.notes().forEach(run.report()::decide);
        return new Result(run.report(), plan, null, null);
    }

    private Plan makePlan(RedisPointerStore redis, ItemSource source, MilvusGateway milvus, boolean live, boolean resume) {
        Optional<String> serving = redis.current();
        List<String> history = redis.history();
        Optional<String> head = history.isEmpty() ? Optional.empty() : Optional.of(history.get(0));
        CollectionNaming naming = new CollectionNaming(cfg.collection());
        String target = resume ? BuildStep.checkpointTarget(redis.checkpoints()).orElseThrow(() ->
                new org.recallctl.error.CheckRefusedException("nothing to resume: no build checkpoint in "
                        + redis.checkpoints().key() + " (the last build finished, or none ran); run without --resume"
                        + " to build from scratch")) : naming.next(serving, clock);
        boolean targetExists = milvus.hasCollection(target);
        boolean givenUp = head.filter(target::equals).isPresent();
        List<String> notes = new ArrayList<>();
        notes.add("target " + target + (resume ? " continues from the checkpoint of its interrupted build"
                : targetExists ? " exists and will be dropped and rebuilt" : " is new"));
        if (givenUp) {
            notes.add("rollback given up: under " + cfg.collection().naming().name().toLowerCase()
                    + " naming the target " + target + " is the current rollback collection (history head); until "
                    + "the switch completes there is no rollback (use collection.naming=timestamp with retention.keep>=2 to keep it)");
        }
        CheckStep.Before check = new CheckStep(cfg, source, milvus, log).evaluateBefore(serving);
        notes.addAll(check.notes());
        String alias = cfg.collection().alias();
        if (alias != null && !alias.isBlank()) {
            SwitchStep.AliasState a = SwitchStep.aliasState(milvus, cfg, alias, serving, target);
            notes.add("alias " + alias + ": " + a.describe());
        }
        // what retention would do right after the switch: the target serves, the old serving one heads history
        List<String> historyAfter = new ArrayList<>();
        serving.filter(s -> !s.equals(target)).ifPresent(historyAfter::add);
        history.stream().filter(h -> !h.equals(target) && !historyAfter.contains(h)).forEach(historyAfter::add);
        List<String> trimmed = historyAfter.subList(0, Math.min(historyAfter.size(),
                Math.max(1, cfg.retention().keep() - 1)));
        Map<String, Long> retired = new HashMap<>(redis.retired());
        serving.ifPresent(s -> retired.put(s, clock.millis()));
        RetentionPlan retention = new Retention(cfg, milvus, log).plan(Optional.of(target), Optional.empty(), trimmed,
                retired, clock.millis(), targetExists ? List.of() : List.of(target));
        if (!retention.drop().isEmpty()) {
            notes.add("after the switch, retention (keep " + cfg.retention().keep() + ") drops " + retention.drop());
        }
        notes.add(gateNote());
        String lockHolder = live ? null : redis.lockHolder().map(LockInfo::describe).orElse(null);
        if (lockHolder != null) { // in a live run the holder is this run itself
            notes.add("the run lock is held now: " + lockHolder + " (a real run would exit 5)");
        }
        return new Plan(cfg.pipeline(), cfg.collection().naming().name().toLowerCase(), serving.orElse(null), history,
                target, targetExists, givenUp, serving.orElse(null), check.sourceRows(), check.servingRows(),
                check.verdict().ok() ? "ok: " + check.verdict().summary() : "REFUSE (exit 3): " + check.verdict().summary(),
                check.verdict().breaches().stream().map(b -> b.key()).toList(), retention.drop(), lockHolder,
                List.copyOf(notes));
    }

    private Result live(OperationRunner.Run run, boolean resume) {
        RunReport report = run.report();
        int pool = Math.max(1, cfg.build().readers()) + 1;
        run.perform("connect", step -> {
            run.pointers();
            run.source(pool);
            run.milvus();
            run.reader();
        });
        RedisPointerStore redis = run.pointers();
        MysqlItemSource source = run.source(pool);
        MilvusGateway milvus = run.milvus();
        Plan plan = makePlan(redis, source, milvus, true, resume);
        Optional<String> expected = Optional.ofNullable(plan.serving());
        String target = plan.target();
        Optional<String> rollback = plan.history().isEmpty() || plan.rollbackGivenUp() ? Optional.empty()
                : Optional.of(plan.history().get(0));
        report.pointer("serving_before", plan.serving());
        report.pointer("history_before", plan.history());
        report.pointer("target", target);
        report.pointer("rollback_given_up", plan.rollbackGivenUp());
        plan.notes().forEach(report::decide);

        CheckStep checks = new CheckStep(cfg, source, milvus, log);
        run.perform("check", step -> {
            try {
                CheckStep.Before before = checks.before(expected);
                step.put("source_rows", before.sourceRows()).put("serving", before.serving())
                        .put("serving_rows", before.servingRows()).put("verdict", before.verdict().summary());
                report.count("source_rows", before.sourceRows());
                report.count("serving_rows", before.servingRows());
            } catch (RecallctlException e) {
                report.count("source_rows", plan.sourceRows());
                report.count("serving_rows", plan.servingRows());
                throw e;
            }
        });
        run.checkpoint();

        redis.setBuilding(target);
        run.onFailure(() -> redis.clearBuilding(target));
        report.decide("key2 " + redis.keys().building() + " set to " + target);
        // from the build on, a failed run's collection is released: it never serves, never counts as a generation
        run.onFailure(() -> BuildOperation.releaseFailed(redis, milvus, target, report));

        BuildResult built = run.step("build", step -> {
            BuildStep buildStep = new BuildStep(cfg, source, milvus, both(both(BuildListener.progress(progress),
                    BuildOperation.reportKeptFiles(run)), hooks.buildListener()))
                    .checkpoints(redis.checkpoints(), resume, run::warn);
            BuildResult b = buildStep.run(target, expected, rollback);
            BuildOperation.reportResume(report, step, buildStep.resumeSummary());
            step.put("collection", b.collection()).put("source_rows", b.sourceRows())
                    .put("written", b.written()).put("rejected", b.rejected())
                    .put("rejected_by_reason", b.rejectedByReason()).put("phase_seconds", b.phaseSeconds())
                    .put("index", indexSummary(b.index()));
            report.count("built_source_rows", b.sourceRows());
            report.count("written", b.written());
            report.count("rejected", b.rejected());
            report.count("rejected_by_reason", b.rejectedByReason());
            report.rejectedSample(b.rejectedSample());
            return b;
        });

        run.perform("warmup", step -> {
            WarmupStep.Result w = new WarmupStep(cfg, milvus, run.reader(), source, log, progress).run(target);
            step.put("result", w);
        });

        run.perform("check_built", step -> {
            CheckStep.After after = checks.after(built, expected);
            step.put("built_rows", after.builtRows()).put("partitions", after.reconciliation().partitions())
                    .put("source_drift", after.drift())
                    .put("verdict", after.verdict().summary()).put("index_state", after.index().state())
                    .put("load_state", after.load().state());
            report.count("built_rows", after.builtRows());
            report.count("source_drift_rows", after.drift().rows());
        });

        hooks.beforeGate(target);
        run.perform("gate", step -> GateStep.perform(run, step, source, target, expected, gateSkipped()));

        hooks.beforeSwitch(target);
        SwitchStep.Result switched = run.step("switch", step -> {
            SwitchStep.Result r = new SwitchStep(cfg, milvus, redis, log).run(run.lock(), target, expected, run::warn);
            run.clearFailureCleanups(); // key2 went with the switch; the target serves now
            run.keyOneMoved(r.previous(), r.target());
            step.put("from", r.previous()).put("to", r.target()).put("alias", r.aliasAction())
                    .put("retention", r.retention()).put("warnings", r.warnings());
            return r;
        });
        report.pointer("serving_after", target);
        report.pointer("rollback_after", switched.previous());
        report.decide("switched " + redis.keys().current() + " from " + (switched.previous() == null ? "(unset)"
                : switched.previous()) + " to " + target);
        if (!switched.retention().released().isEmpty()) {
            report.decide("retention released " + switched.retention().released());
        }
        if (!switched.retention().dropped().isEmpty()) {
            report.decide("retention dropped " + switched.retention().dropped());
        }
        hooks.afterSwitch(target);
        // prove it serves (and keep proving it for --watch); a failure reverts the switch (exit 3 / 4)
        new ServeGuard(run, progress).afterSwitch(target, switched.previous(), watch, Optional.of(source));
        return new Result(report, plan, built, switched);
    }

    private String gateNote() {
        String skipped = gateSkipped();
        if (skipped != null) {
            return "recall gate: SKIPPED (" + skipped + "): the switch would not check recall or content";
        }
        RecallConfig.Gate g = cfg.gate();
        return "recall gate: " + g.queries() + " queries, recall@" + cfg.search().topk() + " >= " + g.minRecall()
                + (g.minOverlap().isPresent() ? ", overlap >= " + g.minOverlap().getAsDouble()
                : ", overlap reported") + (g.spotCheck() > 0 ? ", spot-check " + g.spotCheck() + " rows"
                : ", no spot-check");
    }

    private static Map<String, Object> indexSummary(IndexInfo i) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (i != null) {
            m.put("type", i.type());
            m.put("params", i.params());
            m.put("state", i.state());
        }
        return m;
    }

    private static BuildListener both(BuildListener a, BuildListener b) {
        return BuildListener.both(a, b);
    }
}
