package org.recallctl.pipeline;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.ExitCodes;
import org.recallctl.error.LockHeldException;
import org.recallctl.error.LockLostException;
import org.recallctl.error.RecallctlException;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.output.Log;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.pointer.RunLock;
import org.recallctl.session.Connections;
import org.recallctl.source.MysqlItemSource;

/**
 * The one way a mutating operation runs (build, switch, rollback, rebuild, bench --nlist, prune, demo seed):
 * takes the pipeline lock when the operation needs it (exit 5 naming the holder) and renews it, registers the
 * Ctrl-C/SIGTERM hook, stops at the first step boundary after an interrupt or a lost lock, runs the operation's
 * failure cleanups (key2, the failed collection), releases the lock by its token, closes the run report, and
 * tells the {@link RunObserver}s (report file, alert webhook; later the run journal and metrics).
 *
 * <p>Connections come from the command's {@link Connections} (warm in the shell); the runner never closes them.
 */
public final class OperationRunner {
    /** How long the shutdown hook waits for the main thread's own cleanup before doing it itself. */
    static final long HOOK_WAIT_MS = 10_000;

    private final RecallConfig cfg;
    private final Log log;
    private final Connections connections;
    private final Clock clock;
    private final List<RunObserver> extra = new ArrayList<>();

    public OperationRunner(RecallConfig cfg, Log log, Connections connections, Clock clock) {
        this.cfg = cfg;
        this.log = log;
        this.connections = connections;
        this.clock = clock;
    }

    /** Adds an observer to every run of this runner (tests; a command's own extra observer). */
    public OperationRunner observe(RunObserver observer) {
        extra.add(observer);
        return this;
    }

    /**
     * The observers of one run, in order: the report file (when asked), the alert, the metrics textfile (when
     * metrics.textfile is set), then any added ones. New
     * standard observers (run journal, metrics) are added here and nowhere else.
     */
    List<RunObserver> observers(Path reportFile) {
        List<RunObserver> all = new ArrayList<>();
        if (reportFile != null) {
            all.add(new RunReportWriter(reportFile, log));
        }
        all.add(new AlertObserver(cfg, log));
        if (!cfg.metrics().textfile().isEmpty()) {
            all.add(new MetricsObserver(Path.of(cfg.metrics().textfile()), log));
        }
        // the run journal (issue 12 §5): every run, in Redis beside the pointer; a failed write is only a warning
        all.add(new RunJournal(() -> connections.pointers(cfg), log, reportFile));
        all.addAll(extra);
        return all;
    }

    public <T> T run(Operation<T> op) {
        return run(op, null);
    }

    /** Runs {@code op}; returns its result or throws its failure (a RecallctlException carrying the exit code). */
    public <T> T run(Operation<T> op, Path reportFile) {
        RunReport report = new RunReport(op.command(), cfg.pipeline(), clock);
        report.dryRun(op.dryRun());
        Run run = new Run(report, observers(reportFile));
        Thread main = Thread.currentThread();
        run.main = main;
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> run.onSignal(main, done), "recallctl-interrupt");
        boolean hooked = register(hook);
        run.notify(o -> o.started(report));
        try {
            if (op.takesLock() && !op.dryRun()) {
                run.takeLock(op.command());
            }
            T result = op.run(run); // once it returned the operation is done: no checkpoint after it
            run.release();
            report.finish(op.exitCode(result), op.summary(result));
            run.finished();
            return result;
        } catch (RuntimeException e) {
            Thread.interrupted(); // cleanups and the alert must not fail on the interrupt flag
            boolean intr = run.interrupted;
            String lost = run.lockLost;
            int code = intr ? ExitCodes.INTERRUPTED : lost != null ? ExitCodes.LOCKED
                    : e instanceof RecallctlException re ? re.exitCode() : ExitCodes.UNEXPECTED;
            String message = intr ? "interrupted; " + run.cleanupNote() : lost != null && !(e instanceof LockLostException)
                    ? lost : e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            run.failureCleanup();
            run.release();
            report.finish(code, message);
            run.finished();
            if (intr) {
                Thread.currentThread().interrupt();
                // said here, not by the CLI at exit: after a signal the JVM halts as soon as `done` counts down,
                // and the line that says what key1 names must not be lost in that race
                log.error(message);
                throw new RecallctlException(ExitCodes.INTERRUPTED, message, e).reported();
            }
            if (lost != null && !(e instanceof LockLostException)) {
                throw new LockLostException(message);
            }
            throw e;
        } finally {
            done.countDown();
            if (hooked) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or about to: it waits for `done` and then finds nothing left to do
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

    /** What an operation sees of its run: steps, checkpoints, cleanups, warnings, connections, the lock. */
    public final class Run {
        private final RunReport report;
        private final List<RunObserver> observers;
        private final List<Runnable> onFailure = new ArrayList<>();
        private final AtomicBoolean finishedOnce = new AtomicBoolean();
        private volatile boolean interrupted;
        private volatile String lockLost;
        private volatile Thread main;
        private volatile RunLock lock;
        private volatile String keyOneMovedFrom;
        private volatile String keyOneMovedTo;

        private Run(RunReport report, List<RunObserver> observers) {
            this.report = report;
            this.observers = observers;
        }

        public RunReport report() {
            return report;
        }

        public RecallConfig cfg() {
            return cfg;
        }

        public Log log() {
            return log;
        }

        public Clock clock() {
            return clock;
        }

        public Connections connections() {
            return connections;
        }

        public RedisPointerStore pointers() {
            return connections.pointers(cfg);
        }

        public MilvusGateway milvus() {
            return connections.milvusWrites(cfg);
        }

        public MilvusGateway reader() {
            return connections.milvusReads(cfg, cfg.search().timeoutMs());
        }

        /** The source with a pool of at least {@code poolSize} connections (a build needs readers + 1). */
        public MysqlItemSource source(int poolSize) {
            return connections.mysql(cfg, poolSize);
        }

        /** The lock this run holds; throws when the operation runs without one. */
        public RunLock lock() {
            if (lock == null) {
                throw new IllegalStateException("operation '" + report.command() + "' runs without the lock");
            }
            return lock;
        }

        public Optional<RunLock> heldLock() {
            return Optional.ofNullable(lock);
        }

        private void takeLock(String command) {
            RedisPointerStore redis = pointers();
            try {
                lock = redis.acquireLock(command, cfg.build().lockTtlS() * 1000L, this::lockLost);
            } catch (LockHeldException e) {
                report.decide("did not start: " + e.getMessage());
                throw e;
            }
        }

        /**
         * The lock is gone (renewal found another token, or could not renew within the TTL): this run may no
         * longer write anything, so it is stopped now, not only at the next step (whose target another run may
         * already be dropping). The interrupt ends the current step; the run exits 5.
         */
        private void lockLost(String reason) {
            log.warn("%s", reason);
            lockLost = reason;
            Thread m = main;
            if (m != null) {
                m.interrupt();
            }
        }

        /**
         * One step: checkpoint, begin, body, end (ok, or failed/interrupted with the exit code), observers told.
         * The body's failure is rethrown unchanged.
         */
        public <R> R step(String name, Function<RunReport.Step, R> body) {
            checkpoint();
            RunReport.Step s = report.begin(name);
            R result;
            try {
                result = body.apply(s);
            } catch (RecallctlException e) {
                report.fail(s, interrupted ? ExitCodes.INTERRUPTED : lockLost != null ? ExitCodes.LOCKED
                        : Thread.currentThread().isInterrupted() ? ExitCodes.INTERRUPTED : e.exitCode(),
                        lockLost != null && !interrupted ? lockLost : e.getMessage());
                notify(o -> o.stepFinished(report, s));
                throw e;
            } catch (RuntimeException e) {
                report.fail(s, ExitCodes.UNEXPECTED, e.getMessage() == null ? e.getClass().getName() : e.getMessage());
                notify(o -> o.stepFinished(report, s));
                throw e;
            }
            report.ok(s);
            notify(o -> o.stepFinished(report, s));
            return result; // the next step's checkpoint stops the run; a finished switch must not be undone

        }

        /** {@link #step(String, Function)} for a step that returns nothing. */
        public void perform(String name, Consumer<RunReport.Step> body) {
            step(name, s -> {
                body.accept(s);
                return null;
            });
        }

        /** A step boundary: stops the run when it was interrupted (exit 130) or lost its lock (exit 5). */
        public void checkpoint() {
            if (lockLost != null && !interrupted) {
                throw new LockLostException(lockLost);
            }
            if (interrupted || Thread.currentThread().isInterrupted()) {
                interrupted = true;
                throw new RecallctlException(ExitCodes.INTERRUPTED, "interrupted");
            }
            if (lock != null) {
                lock.checkHeld();
            }
        }

        /** Undo work for a failed or interrupted run (clear key2, release the failed collection); runs once. */
        public synchronized void onFailure(Runnable cleanup) {
            onFailure.add(cleanup);
        }

        /** The run succeeded past the point where a registered cleanup applies (e.g. the switch deleted key2). */
        public synchronized void clearFailureCleanups() {
            onFailure.clear();
        }

        /** A problem that does not change the outcome: logged, listed in the report, alerted. */
        public void warn(String warning) {
            log.warn("%s", warning);
            report.warn(warning);
        }

        /**
         * This run moved key1 (a switch, or the revert of one): from then on, an interrupt or a failure must not
         * say key1 was left alone. Nothing undoes a finished switch on Ctrl-C: it stands, and the note says so.
         */
        public void keyOneMoved(String from, String to) {
            keyOneMovedFrom = from;
            keyOneMovedTo = to;
        }

        String cleanupNote() {
            String to = keyOneMovedTo;
            if (to != null) {
                return (lock != null ? "the lock was released; " : "") + "key1 stays on " + to + " (this run moved it"
                        + " from " + (keyOneMovedFrom == null ? "(unset)" : keyOneMovedFrom) + "; 'recallctl rollback'"
                        + " moves it back)";
            }
            return lock != null ? "key2 and the lock were cleaned, key1 untouched" : "key1 untouched";
        }

        synchronized void failureCleanup() {
            List<Runnable> todo = new ArrayList<>(onFailure);
            onFailure.clear();
            java.util.Collections.reverse(todo);
            for (Runnable r : todo) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    log.warn("cleanup after the failed run: %s", e.getMessage());
                }
            }
        }

        synchronized void release() {
            RunLock l = lock;
            if (l != null) {
                l.close();
            }
        }

        void notify(Consumer<RunObserver> call) {
            for (RunObserver o : observers) {
                try {
                    call.accept(o);
                } catch (RuntimeException e) {
                    log.warn("%s", e.getMessage());
                }
            }
        }

        void finished() {
            if (finishedOnce.compareAndSet(false, true)) {
                notify(o -> o.finished(report));
            }
        }

        /** Ctrl-C / SIGTERM: stop the main thread and let it clean up; do it here if it does not in time. */
        void onSignal(Thread main, CountDownLatch done) {
            interrupted = true;
            main.interrupt();
            try {
                long wait = HOOK_WAIT_MS + Math.max(0, cfg.alert().timeoutMs());
                if (!done.await(wait, TimeUnit.MILLISECONDS)) {
                    failureCleanup();
                    release();
                    report.finish(ExitCodes.INTERRUPTED, "interrupted; " + cleanupNote());
                    finished();
                }
            } catch (InterruptedException | RuntimeException ignored) {
                // the JVM is going down; the lock expires by itself if we could not release it
            }
        }
    }
}
