package org.recallctl.pipeline;

import org.HdrHistogram.Histogram;

/**
 * A latency summary in milliseconds (0.01 ms), from an HdrHistogram of microseconds: what warm-up reports per
 * window and the serve probe judges its p99 by, so both read percentiles the same way.
 */
public record Latency(long queries, double p50Ms, double p99Ms, double maxMs) {
    /** Microseconds up to an hour, 3 significant digits. */
    static Histogram newHistogram() {
        return new Histogram(3_600_000_000L, 3);
    }

    /** Records one latency, clamped into the histogram's range (at least 1 µs, at most an hour). */
    static void record(Histogram h, long micros) {
        h.recordValue(Math.max(1, Math.min(h.getHighestTrackableValue(), micros)));
    }

    static Latency of(Histogram h) {
        if (h.getTotalCount() == 0) {
            return new Latency(0, 0, 0, 0);
        }
        return new Latency(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)),
                ms(h.getMaxValue()));
    }

    private static double ms(double micros) {
        return Math.round(micros / 10.0) / 100.0;
    }
}
