package org.recallctl.pipeline;

import java.util.function.Function;

/**
 * A mutating operation as a command describes it to the {@link OperationRunner}: its name (shown in the lock,
 * the report and alerts), whether it needs the pipeline lock, and its steps. Commands parse and print; the
 * operation's body calls steps ({@link OperationRunner.Run#step}); the runner does lock, renewal, report,
 * alert, cleanup and release.
 */
public interface Operation<T> {
    /** e.g. {@code rebuild}, {@code switch --to items_2}: the lock holder's description and the report's command. */
    String command();

    /** Takes (and renews) the pipeline lock around {@link #run}; a held lock exits 5 naming the holder. */
    default boolean takesLock() {
        return true;
    }

    /** A dry run only reads: no lock, no alert. */
    default boolean dryRun() {
        return false;
    }

    T run(OperationRunner.Run run);

    /** The exit code of a run that returned normally (e.g. 3 for a dry run whose check would refuse). */
    default int exitCode(T result) {
        return 0;
    }

    /** One line for the report and the success alert. */
    default String summary(T result) {
        return command() + ": ok";
    }

    /** An operation from a lambda: {@code Operation.of("switch --to x", true, run -> ...)}. */
    static <T> Operation<T> of(String command, boolean takesLock, Function<OperationRunner.Run, T> body) {
        return new Operation<>() {
            @Override
            public String command() {
                return command;
            }

            @Override
            public boolean takesLock() {
                return takesLock;
            }

            @Override
            public T run(OperationRunner.Run run) {
                return body.apply(run);
            }
        };
    }
}
