package org.recallctl.bench;

import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * One setting at one concurrency level. QPS is completed queries over the wall time of the whole measured phase
 * (not derived from latency); recall is the mean over every completed query; worst 1% is the mean recall of the
 * lowest 1% of queries (at least one query), which shows the queries a mean hides.
 */
public record Measurement(long queries, long errors, double wallSeconds, double qps, double meanRecall,
                          double worst1pctRecall, double p50Ms, double p95Ms, double p99Ms, double maxMs,
                          String lastError) {

    /** Merges the workers' histograms and recalls; {@code wallNanos} spans the first start to the last finish. */
    public static Measurement aggregate(List<WorkerStats> workers, long wallNanos) {
        Histogram h = new Histogram(3_600_000_000L, 3);
        long errors = 0;
        String lastError = null;
        int n = 0;
        for (WorkerStats w : workers) {
            h.add(w.histogram());
            errors += w.errors();
            n += w.completed();
            if (w.lastError() != null) {
                lastError = w.lastError();
            }
        }
        double[] all = new double[n];
        int at = 0;
        for (WorkerStats w : workers) {
            double[] r = w.recalls();
            System.arraycopy(r, 0, all, at, r.length);
            at += r.length;
        }
        double mean = n == 0 ? 0 : Arrays.stream(all).sum() / n;
        Arrays.sort(all);
        int worst = Math.max(1, (int) Math.ceil(n * 0.01));
        double worstMean = 0;
        for (int i = 0; i < Math.min(worst, n); i++) {
            worstMean += all[i];
        }
        worstMean = n == 0 ? 0 : worstMean / Math.min(worst, n);
        double secs = wallNanos / 1e9;
        return new Measurement(n, errors, secs, secs <= 0 ? 0 : n / secs, mean, worstMean,
                ms(h, 50), ms(h, 95), ms(h, 99), n == 0 ? 0 : h.getMaxValue() / 1000.0, lastError);
    }

    private static double ms(Histogram h, double pct) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(pct) / 1000.0;
    }
}
