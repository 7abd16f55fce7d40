package org.recallctl.pipeline;

/**
 * Watches one run of an {@link Operation} through the {@link OperationRunner}: the run report file, the alert
 * webhook, and later the Redis run journal (issue 12) and Prometheus textfile metrics (issue 14) are observers,
 * so a new one plugs in at {@link OperationRunner#observers} without touching any command.
 *
 * <p>Contract: callbacks come from the thread running the operation, except {@link #finished} after a Ctrl-C
 * whose main thread did not wind down in time, which comes from the shutdown hook. {@code finished} is called
 * exactly once per run, after the lock was released and the failure cleanups ran, with the report closed
 * ({@link RunReport#exitCode()}, {@link RunReport#outcome()}, {@link RunReport#error()}, {@link RunReport#warnings()}).
 * An observer must not throw: one that does is logged as a warning and never changes the run's exit code.
 */
public interface RunObserver {
    /** The run started (before the lock is taken). */
    default void started(RunReport report) {
    }

    /** A step ended: {@code step.status()} is ok, failed or interrupted. */
    default void stepFinished(RunReport report, RunReport.Step step) {
    }

    /** The run ended, successfully or not; the report is final. */
    default void finished(RunReport report) {
    }
}
