package org.recallctl.pipeline;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.ExitCodes;
import org.recallctl.error.LockHeldException;
import org.recallctl.error.RecallctlException;
import org.recallctl.milvus.IndexInfo;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.output.Log;
import org.recallctl.output.Progress;
import org.recallctl.pointer.LockInfo;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.pointer.RunLock;
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
    private final Alerter alerter;

    private volatile boolean interrupted;
    private volatile String lockLost;
    private volatile String marked;
    private volatile RunLock lock;
    private volatile RedisPointerStore redisForCleanup;

    public RebuildChain(RecallConfig cfg, Log log, Progress progress, Clock clock, Hooks hooks) {
        this.cfg = cfg;
        this.log = log;
        this.progress = progress;
        this.clock = clock;
        this.hooks = hooks == null ? NO_HOOKS : hooks;
        this.alerter = new Alerter(cfg.alert(), log);
    }

    /** Runs the chain (or only plans it); on failure finishes the report, alerts, and rethrows. */
    public Result run(boolean dryRun, Path reportFile) {
        RunReport report = new RunReport("rebuild", cfg.pipeline(), clock);
        report.dryRun(dryRun);
        Thread main = Thread.currentThread();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> onInterrupt(main, done, report, reportFile), "recallctl-interrupt");
        boolean hooked = register(hook);
        try {
            Result r = dryRun ? plan(report) : live(report);
            int code = dryRun && r.plan().wouldRefuse() ? ExitCodes.CHECK_REFUSED : ExitCodes.OK;
            report.finish(code, dryRun ? "dry run: " + r.plan().verdict() : "switched to " + r.plan().target());
            finish(report, reportFile, dryRun ? -1 : 0, "switched to " + r.plan().target());
            return r;
        } catch (RuntimeException e) {
            int code = interrupted ? ExitCodes.INTERRUPTED
                    : e instanceof RecallctlException re ? re.exitCode() : ExitCodes.UNEXPECTED;
            String message = interrupted ? "interrupted; key2 and the lock were cleaned, key1 untouched"
                    : e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            report.finish(code, message);
            finish(report, reportFile, dryRun ? -1 : code, message);
            if (interrupted && !(e instanceof RecallctlException re && re.exitCode() == ExitCodes.INTERRUPTED)) {
                throw new RecallctlException(ExitCodes.INTERRUPTED, message, e);
            }
            throw e;
        } finally {
            done.countDown();
            if (hooked) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or about to: it waits for `done` and then only repeats idempotent cleanup
                }
            }
        }
    }

    private static boolean register(Thread hook) {
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return true;
        } catch (IllegalStateException shuttingDown) {
            return false;
        }
    }

    /** Ctrl-C / SIGTERM: stop the main thread, let its finally clean up; clean up ourselves if it hangs. */
    private void onInterrupt(Thread main, CountDownLatch done, RunReport report, Path reportFile) {
        interrupted = true;
        main.interrupt();
        try {
            if (!done.await(10, TimeUnit.SECONDS)) {
                cleanup();
                report.finish(ExitCodes.INTERRUPTED, "interrupted; key2 and the lock were cleaned, key1 untouched");
                if (reportFile != null) {
                    report.write(reportFile);
                }
            }
        } catch (InterruptedException | RuntimeException ignored) {
            // the JVM is going down; the lock expires by itself if we could not release it
        }
    }

    /** Idempotent: key2 only if it still names our target, the lock only if we still hold it. */
    private synchronized void cleanup() {
        RedisPointerStore redis = redisForCleanup;
        String target = marked;
        if (redis != null && target != null) {
            try {
                redis.clearBuilding(target);
            } catch (RuntimeException e) {
                log.warn("could not clear key2 (%s): %s", target, e.getMessage());
            }
        }
        RunLock l = lock;
        if (l != null) {
            l.close();
        }
    }

    private void finish(RunReport report, Path reportFile, int alertCode, String message) {
        if (reportFile != null) {
            try {
                report.write(reportFile);
                log.info("run report written to %s", reportFile);
            } catch (RuntimeException e) {
                log.warn("%s", e.getMessage());
            }
        }
        if (alertCode >= 0) {
            alerter.notify(cfg.pipeline(), "rebuild", alertCode, message, report);
        }
    }

    private Result plan(RunReport report) {
        try (RedisPointerStore redis = RedisPointerStore.connect(cfg);
             MysqlItemSource source = MysqlItemSource.open(cfg, 1);
             MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            RunReport.Step step = report.begin("plan");
            Plan plan = makePlan(redis, source, milvus);
            step.put("plan", plan);
            plan.notes().forEach(report::decide);
            report.ok(step);
            return new Result(report, plan, null, null);
        }
    }

    private Plan makePlan(RedisPointerStore redis, MysqlItemSource source, MilvusGateway milvus) {
        Optional<String> serving = redis.current();
        List<String> history = redis.history();
        Optional<String> head = history.isEmpty() ? Optional.empty() : Optional.of(history.get(0));
        CollectionNaming naming = new CollectionNaming(cfg.collection());
        String target = naming.next(serving, clock);
        List<String> existing = milvus.listCollections();
        boolean targetExists = existing.contains(target);
        boolean givenUp = head.filter(target::equals).isPresent();
        List<String> notes = new ArrayList<>();
        notes.add("target " + target + (targetExists ? " exists and will be dropped and rebuilt" : " is new"));
        if (givenUp) {
            notes.add("rollback given up: under " + cfg.collection().naming().name().toLowerCase()
                    + " naming the target " + target + " is the current rollback collection (history head); until "
                    + "the switch completes there is no rollback (use collection.naming=timestamp with retention.keep>=2 to keep it)");
        }
        CheckStep.Before check = new CheckStep(cfg, source, milvus, log).evaluateBefore(serving);
        notes.addAll(check.notes());
        List<String> generations = new ArrayList<>(existing);
        if (!targetExists) {
            generations.add(target);
        }
        RetentionPlan retention = new SwitchStep.Retention(cfg, milvus, log).plan(generations, target, serving);
        if (!retention.drop().isEmpty()) {
            notes.add("after the switch, retention (keep " + cfg.retention().keep() + ") drops " + retention.drop());
        }
        String lockHolder = redis.lockHolder().map(LockInfo::describe).orElse(null);
        if (lockHolder != null && lock == null) { // in a live run the holder is this run itself
            notes.add("the run lock is held now: " + lockHolder + " (a real run would exit 5)");
        }
        return new Plan(cfg.pipeline(), cfg.collection().naming().name().toLowerCase(), serving.orElse(null), history,
                target, targetExists, givenUp, serving.orElse(null), check.sourceRows(), check.servingRows(),
                check.verdict().ok() ? "ok: " + check.verdict().summary() : "REFUSE (exit 3): " + check.verdict().summary(),
                check.verdict().breaches().stream().map(b -> b.key()).toList(), retention.drop(), lockHolder,
                List.copyOf(notes));
    }

    private Result live(RunReport report) {
        RunReport.Step connect = report.begin("connect");
        try (RedisPointerStore redis = RedisPointerStore.connect(cfg);
             MysqlItemSource source = MysqlItemSource.open(cfg, Math.max(1, cfg.build().readers()) + 1);
             MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus());
             MilvusGateway reader = MilvusGateway.forReads(cfg.milvus(), cfg.search().timeoutMs())) {
            report.ok(connect);
            redisForCleanup = redis;
            try {
                lock = redis.acquireLock("rebuild", cfg.build().lockTtlS() * 1000L, reason -> {
                    lockLost = reason;
                    log.warn("%s", reason);
                });
            } catch (LockHeldException e) {
                report.decide("did not start: " + e.getMessage());
                throw e;
            }
            try {
                return steps(report, redis, source, milvus, reader);
            } finally {
                cleanup();
            }
        } finally {
            if (connect.status().equals("running")) {
                report.fail(connect, ExitCodes.DEPENDENCY, "could not connect");
            }
        }
    }

    private Result steps(RunReport report, RedisPointerStore redis, MysqlItemSource source, MilvusGateway milvus,
                         MilvusGateway reader) {
        Plan plan = makePlan(redis, source, milvus);
        Optional<String> expected = Optional.ofNullable(plan.serving());
        String target = plan.target();
        Optional<String> rollback = plan.history().isEmpty() || plan.rollbackGivenUp() ? Optional.empty()
                : Optional.of(plan.history().get(0));
        report.pointer("serving_before", plan.serving());
        report.pointer("history_before", plan.history());
        report.pointer("target", target);
        report.pointer("rollback_given_up", plan.rollbackGivenUp());
        plan.notes().forEach(report::decide);

        RunReport.Step check = report.begin("check");
        CheckStep checks = new CheckStep(cfg, source, milvus, log);
        try {
            CheckStep.Before before = checks.before(expected);
            check.put("source_rows", before.sourceRows()).put("serving", before.serving())
                    .put("serving_rows", before.servingRows()).put("verdict", before.verdict().summary());
            report.count("source_rows", before.sourceRows());
            report.count("serving_rows", before.servingRows());
            report.ok(check);
        } catch (RecallctlException e) {
            report.count("source_rows", plan.sourceRows());
            report.count("serving_rows", plan.servingRows());
            report.fail(check, e.exitCode(), e.getMessage());
            throw e;
        }
        interruptedCheck();

        redis.setBuilding(target);
        marked = target;
        report.decide("key2 " + redis.keys().building() + " set to " + target);

        RunReport.Step buildStep = report.begin("build");
        BuildResult built;
        try {
            built = new BuildStep(cfg, source, milvus, both(BuildListener.progress(progress), hooks.buildListener()))
                    .run(target, expected, rollback);
        } catch (RecallctlException e) {
            report.fail(buildStep, interrupted ? ExitCodes.INTERRUPTED : e.exitCode(), e.getMessage());
            throw e;
        }
        buildStep.put("collection", built.collection()).put("source_rows", built.sourceRows())
                .put("written", built.written()).put("rejected", built.rejected())
                .put("rejected_by_reason", built.rejectedByReason()).put("phase_seconds", built.phaseSeconds())
                .put("index", indexSummary(built.index()));
        report.count("built_source_rows", built.sourceRows());
        report.count("written", built.written());
        report.count("rejected", built.rejected());
        report.count("rejected_by_reason", built.rejectedByReason());
        report.rejectedSample(built.rejectedSample());
        report.ok(buildStep);
        interruptedCheck();

        RunReport.Step warm = report.begin("warmup");
        try {
            WarmupStep.Result w = new WarmupStep(cfg, milvus, reader, source, log, progress).run(target);
            warm.put("result", w);
            report.ok(warm);
        } catch (RecallctlException e) {
            report.fail(warm, e.exitCode(), e.getMessage());
            throw e;
        }
        interruptedCheck();

        RunReport.Step post = report.begin("check_built");
        try {
            CheckStep.After after = checks.after(target, built.sourceRows(), built.rejected(),
                    built.rejectedByPartition(), expected);
            post.put("built_rows", after.builtRows()).put("partitions", after.reconciliation().partitions())
                    .put("verdict", after.verdict().summary()).put("index_state", after.index().state())
                    .put("load_state", after.load().state());
            report.count("built_rows", after.builtRows());
            report.ok(post);
        } catch (RecallctlException e) {
            report.fail(post, e.exitCode(), e.getMessage());
            throw e;
        }

        hooks.beforeSwitch(target);
        interruptedCheck();
        if (lockLost != null) {
            throw new RecallctlException(ExitCodes.LOCKED, "not switching: " + lockLost);
        }
        RunReport.Step sw = report.begin("switch");
        SwitchStep.Result switched;
        try {
            switched = new SwitchStep(cfg, milvus, redis, log).run(target, expected);
        } catch (RecallctlException e) {
            report.fail(sw, e.exitCode(), e.getMessage());
            throw e;
        }
        marked = null; // the switch deleted key2 atomically with moving key1
        sw.put("from", switched.previous()).put("to", switched.target()).put("alias", switched.aliasAction())
                .put("retention", switched.retention());
        report.pointer("serving_after", target);
        report.pointer("rollback_after", switched.previous());
        report.decide("switched " + redis.keys().current() + " from " + (switched.previous() == null ? "(unset)"
                : switched.previous()) + " to " + target);
        if (!switched.retention().dropped().isEmpty()) {
            report.decide("retention dropped " + switched.retention().dropped());
        }
        report.ok(sw);
        return new Result(report, plan, built, switched);
    }

    private void interruptedCheck() {
        if (interrupted || Thread.currentThread().isInterrupted()) {
            interrupted = true;
            throw new RecallctlException(ExitCodes.INTERRUPTED, "interrupted");
        }
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
