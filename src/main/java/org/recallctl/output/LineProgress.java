package org.recallctl.output;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plain lines for logs: "build: 120000/200000 rows (60%), 41000 rows/s, ETA 2 s" at most every
 * {@code intervalMs}, written when a step crosses the interval (no timer thread), plus one line at close.
 */
public final class LineProgress implements Progress {
    private final PrintWriter err;
    private final long intervalMs;
    private final Clock clock;

    public LineProgress(PrintWriter err, long intervalMs, Clock clock) {
        this.err = err;
        this.intervalMs = intervalMs;
        this.clock = clock;
    }

    @Override
    public ProgressTask start(String label, long total, String unit) {
        return new Task(label, total, unit);
    }

    /** The line for a task that has done {@code done} of {@code total} units after {@code elapsedMs}. */
    public static String line(String label, String unit, long done, long total, long elapsedMs, boolean finished) {
        StringBuilder sb = new StringBuilder(label).append(": ").append(done);
        if (total > 0) {
            sb.append('/').append(total);
        }
        sb.append(' ').append(unit);
        if (total > 0) {
            sb.append(" (").append(Math.min(100, done * 100 / total)).append("%)");
        }
        double rate = elapsedMs <= 0 ? 0 : done * 1000.0 / elapsedMs;
        sb.append(", ").append(Math.round(rate)).append(' ').append(unit).append("/s");
        if (finished) {
            sb.append(", done in ").append(String.format("%.1f", elapsedMs / 1000.0)).append(" s");
        } else if (total > 0 && rate > 0 && done < total) {
            sb.append(", ETA ").append(Math.round((total - done) / rate)).append(" s");
        }
        return sb.toString();
    }

    private final class Task implements ProgressTask {
        private final String label;
        private final long total;
        private final String unit;
        private final long startMs;
        private final AtomicLong done = new AtomicLong();
        private final AtomicLong lastPrintMs;
        private final AtomicBoolean closed = new AtomicBoolean();

        Task(String label, long total, String unit) {
            this.label = label;
            this.total = total;
            this.unit = unit;
            this.startMs = clock.millis();
            this.lastPrintMs = new AtomicLong(startMs);
        }

        @Override
        public void step(long n) {
            done.addAndGet(n);
            maybePrint();
        }

        @Override
        public void setTo(long n) {
            done.set(n);
            maybePrint();
        }

        private void maybePrint() {
            long now = clock.millis();
            long last = lastPrintMs.get();
            if (now - last >= intervalMs && lastPrintMs.compareAndSet(last, now) && !closed.get()) {
                print(line(label, unit, done.get(), total, now - startMs, false));
            }
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                print(line(label, unit, done.get(), total, clock.millis() - startMs, true));
            }
        }

        private void print(String s) {
            synchronized (err) {
                err.println(s);
                err.flush();
            }
        }
    }
}
