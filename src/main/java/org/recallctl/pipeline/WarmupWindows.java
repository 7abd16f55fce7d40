package org.recallctl.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Warm-up latency bookkeeping, pure: records query latencies in windows of {@code window} queries and says when
 * the p99 of the last complete window is within {@code settlePct} % of the previous window's p99. The first
 * window is the "cold" one, the last complete window the "warm" one.
 */
public final class WarmupWindows {
    private final int window;
    private final double settlePct;
    private final List<Histogram> done = new ArrayList<>();
    private Histogram current = Latency.newHistogram();
    private final Histogram all = Latency.newHistogram();

    public WarmupWindows(int window, double settlePct) {
        this.window = Math.max(1, window);
        this.settlePct = settlePct;
    }

    /** Records one query's latency; returns true when this closed a window. */
    public boolean record(long micros) {
        Latency.record(current, micros);
        Latency.record(all, micros);
        if (current.getTotalCount() >= window) {
            done.add(current);
            current = Latency.newHistogram();
            return true;
        }
        return false;
    }

    public int completeWindows() {
        return done.size();
    }

    public long queries() {
        return all.getTotalCount();
    }

    /** True once two consecutive complete windows have p99 within settle_pct of each other. */
    public boolean settled() {
        if (done.size() < 2) {
            return false;
        }
        double prev = done.get(done.size() - 2).getValueAtPercentile(99);
        double last = done.get(done.size() - 1).getValueAtPercentile(99);
        return within(prev, last, settlePct);
    }

    static boolean within(double prev, double last, double pct) {
        if (prev <= 0) {
            return last <= 0;
        }
        return Math.abs(last - prev) * 100.0 <= pct * prev;
    }

    /** Latency summary in milliseconds of the first window (cold) or the whole run when no window completed. */
    public Latency cold() {
        return done.isEmpty() ? Latency.of(all) : Latency.of(done.get(0));
    }

    /** Latency of the last complete window (warm). */
    public Latency warm() {
        return done.isEmpty() ? Latency.of(all) : Latency.of(done.get(done.size() - 1));
    }
}
