package org.recallctl.output;

import java.io.PrintWriter;
import java.time.Clock;

/**
 * Progress of long steps (build, index, load, warmup) on stderr: a bar with rate and ETA on a terminal, plain
 * periodic lines otherwise (cron, CI, pipes), nothing when quiet. Tasks may be stepped from several threads.
 */
public interface Progress {
    /** Starts a task counting {@code unit}s (e.g. "rows", "queries"); {@code total <= 0} means unknown. */
    ProgressTask start(String label, long total, String unit);

    /** Starts a task counting rows. */
    default ProgressTask start(String label, long total) {
        return start(label, total, "rows");
    }

    static Progress none() {
        return (label, total, unit) -> ProgressTask.NONE;
    }

    /** A bar when stderr is a terminal, else a line every 5 s (and one at the end); nothing when quiet. */
    static Progress forStderr(PrintWriter err, boolean terminal, boolean quiet) {
        if (quiet) {
            return none();
        }
        return terminal ? new BarProgress(err) : new LineProgress(err, 5_000, Clock.systemUTC());
    }
}
