package org.recallctl.bench;

import org.recallctl.config.Metric;

/**
 * Recall@K of one query (DESIGN §8): |returned ∩ exact TopK| / K. A returned item outside the exact id set
 * still counts when its score ties the exact K-th score (within float noise): the server and we sum in a
 * different order, so which of two equally good items is "the" K-th is arbitrary (ann-benchmarks does the same).
 */
public final class Recall {
    private static final float TIE_EPS = 1e-5f;

    private Recall() {
    }

    public static double of(long[] returned, float[] returnedScores, long[] exact, float[] exactScores, int k,
                            Metric metric) {
        int kk = Math.min(k, exact.length);
        if (kk == 0) {
            return 1.0;
        }
        java.util.Set<Long> truth = new java.util.HashSet<>(kk * 2);
        for (int i = 0; i < kk; i++) {
            truth.add(exact[i]);
        }
        float kth = exactScores[kk - 1];
        float tol = TIE_EPS * Math.max(1f, Math.abs(kth));
        int hits = 0;
        for (int i = 0; i < Math.min(returned.length, kk); i++) {
            if (truth.remove(returned[i])) {
                hits++;
            } else if (returnedScores != null && (metric.higherIsBetter()
                    ? returnedScores[i] >= kth - tol : returnedScores[i] <= kth + tol)) {
                hits++;
            }
        }
        return (double) hits / kk;
    }
}
