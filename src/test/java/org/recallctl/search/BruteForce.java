package org.recallctl.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/** Exact TopK by inner product over the source vectors: the ground truth search results are checked against. */
final class BruteForce {
    record Scored(long id, double score) {
    }

    private BruteForce() {
    }

    static List<Scored> topK(Map<Long, float[]> vectors, float[] q, int k, LongPredicate keep) {
        List<Scored> all = new ArrayList<>();
        vectors.forEach((id, v) -> {
            if (keep.test(id)) {
                double s = 0;
                for (int i = 0; i < q.length; i++) {
                    s += (double) q[i] * v[i];
                }
                all.add(new Scored(id, s));
            }
        });
        all.sort(Comparator.comparingDouble(Scored::score).reversed().thenComparingLong(Scored::id));
        return all.subList(0, Math.min(k, all.size()));
    }

    static float[] randomUnit(java.util.Random rnd, int dim) {
        float[] v = new float[dim];
        double n = 0;
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextGaussian();
            n += v[i] * v[i];
        }
        for (int i = 0; i < dim; i++) {
            v[i] /= (float) Math.sqrt(n);
        }
        return v;
    }

    static String json(float[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ",").append(v[i]);
        }
        return sb.append(']').toString();
    }
}
