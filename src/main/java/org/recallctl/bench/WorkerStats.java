package org.recallctl.bench;

import org.HdrHistogram.Histogram;

/**
 * What one load worker saw, recorded without locks: a latency histogram of its requests (microseconds, 3
 * significant digits, up to an hour) and the recall of every query vector it completed (a request carries nq of
 * them). Merged by {@link Measurement#aggregate}.
 */
public final class WorkerStats {
    private final Histogram latencyMicros = new Histogram(3_600_000_000L, 3);
    private double[] recalls = new double[64];
    private int completed;
    private long errors;
    private String lastError;

    /** One request of one query vector. */
    public void record(long latencyNanos, double recall) {
        latency(latencyNanos);
        recall(recall);
    }

    /** The latency of one request, whatever its nq. */
    public void latency(long latencyNanos) {
        latencyMicros.recordValue(Math.max(1, Math.min(latencyNanos / 1000, latencyMicros.getHighestTrackableValue())));
    }

    /** The recall of one completed query vector. */
    public void recall(double recall) {
        if (completed == recalls.length) {
            recalls = java.util.Arrays.copyOf(recalls, completed * 2);
        }
        recalls[completed++] = recall;
    }

    public void error(String message) {
        errors++;
        lastError = message;
    }

    public Histogram histogram() {
        return latencyMicros;
    }

    public int completed() {
        return completed;
    }

    public long errors() {
        return errors;
    }

    public String lastError() {
        return lastError;
    }

    double[] recalls() {
        return java.util.Arrays.copyOf(recalls, completed);
    }
}
