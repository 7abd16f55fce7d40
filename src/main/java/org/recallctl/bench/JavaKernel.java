package org.recallctl.bench;

import java.util.Arrays;
import org.recallctl.config.Metric;

/**
 * The pure-Java kernel, used when no native BLAS loads: the block transposed dimension-major, a tile of four queries
 * per pass, inner loop {@code s[j] += q[d] * x[d][j]} over separate arrays indexed from 0, which Java 17's C2
 * compiles to AVX code (~40 GFLOP/s per core here; the same loop written as offsets into one flat array, or a
 * per-item dot product, stays scalar at ~5). It accumulates every item's score in the reference order (d = 0, 1, …,
 * one rounding per multiply and per add: Java never fuses them), so its scores ARE the reference scores: margin 0.
 */
final class JavaKernel implements ScoreKernel {
    private static final int TILE = 4;

    private final float[][] queries;
    private final boolean l2;
    private final String why;
    private float[][] columns;

    /** {@code why}: why not native BLAS (empty when Java was asked for). */
    JavaKernel(float[][] queries, Metric metric, String why) {
        this.queries = queries;
        this.l2 = metric == Metric.L2;
        this.why = why;
    }

    @Override
    public String name() {
        return "pure Java (auto-vectorised)" + (why.isEmpty() ? "" : "; " + why);
    }

    @Override
    public void prepare(ItemBlock block) {
        if (columns == null || columns.length != block.dim() || columns[0].length < block.capacity()) {
            columns = new float[block.dim()][block.capacity()];
        }
        block.transposeInto(columns);
    }

    @Override
    public double margin(double queryNorm, double itemNorm) {
        return 0;
    }

    @Override
    public Worker worker() {
        return new Worker() {
            private float[][] s = new float[TILE][0];

            @Override
            public void score(ItemBlock block, int from, int to, Sink sink) {
                int n = block.count();
                int dim = block.dim();
                float[][] x = columns;
                if (s[0].length < n) {
                    s = new float[TILE][block.capacity()];
                }
                for (int q = from; q < to; q += TILE) {
                    int tile = Math.min(TILE, to - q);
                    for (int t = 0; t < tile; t++) {
                        Arrays.fill(s[t], 0, n, 0f);
                    }
                    // the item column x[d] (a few KB) is reused from L1 by every query of the tile
                    for (int d = 0; d < dim; d++) {
                        float[] xd = x[d];
                        for (int t = 0; t < tile; t++) {
                            if (l2) {
                                axpyL2(s[t], xd, queries[q + t][d], n);
                            } else {
                                axpy(s[t], xd, queries[q + t][d], n);
                            }
                        }
                    }
                    for (int t = 0; t < tile; t++) {
                        sink.accept(q + t, s[t], 0);
                    }
                }
            }
        };
    }

    // s[j] += a * x[j] over separate arrays from index 0: the saxpy shape C2 vectorises
    private static void axpy(float[] s, float[] x, float a, int n) {
        for (int j = 0; j < n; j++) {
            s[j] += a * x[j];
        }
    }

    // accumulates the squared distance with a minus sign, so "higher is better" holds for every metric
    private static void axpyL2(float[] s, float[] x, float a, int n) {
        for (int j = 0; j < n; j++) {
            float t = x[j] - a;
            s[j] -= t * t;
        }
    }
}
