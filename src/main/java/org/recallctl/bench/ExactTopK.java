package org.recallctl.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.recallctl.config.Metric;

/**
 * Brute-force TopK of every query over every item, blocked over items (one {@link ItemBlock} at a time, shared
 * read-only by all threads while it is hot in cache) and over queries (each thread owns a contiguous range of
 * queries and their heaps, so no locks). The inner loop is element-wise over items for one query coordinate,
 * which C2 compiles to SIMD (see ItemBlock); a tile of four queries reuses each item column from L1. COSINE expects unit vectors on both
 * sides (the caller normalises) and is then scored as IP; L2 is the squared distance, as Milvus reports it.
 */
public final class ExactTopK {
    private static final int TILE = 4;

    private final float[][] queries;
    private final boolean l2;
    private final int k;
    private final int threads;
    private final TopKHeap[] heaps;

    public ExactTopK(float[][] queries, Metric metric, int k, int threads) {
        this.queries = queries;
        this.l2 = metric == Metric.L2;
        this.k = k;
        this.threads = Math.max(1, Math.min(threads, queries.length));
        this.heaps = new TopKHeap[queries.length];
        for (int q = 0; q < queries.length; q++) {
            heaps[q] = new TopKHeap(k);
        }
    }

    /** Consumes every block of {@code items}; returns the exact TopK per query, best first. */
    public Result run(ItemStream items) throws InterruptedException {
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "recallctl-groundtruth");
            t.setDaemon(true);
            return t;
        });
        long[] scanned = new long[1];
        try {
            int per = (queries.length + threads - 1) / threads;
            float[][][] scratch = new float[threads][][];
            items.forEachBlock(block -> {
                scanned[0] += block.count();
                List<Future<?>> fs = new ArrayList<>(threads);
                for (int t = 0; t < threads; t++) {
                    int from = t * per;
                    int to = Math.min(queries.length, from + per);
                    if (from >= to) {
                        continue;
                    }
                    if (scratch[t] == null || scratch[t][0].length < block.capacity()) {
                        scratch[t] = new float[TILE][block.capacity()];
                    }
                    float[][] s = scratch[t];
                    fs.add(pool.submit(() -> scoreRange(block, from, to, s)));
                }
                for (Future<?> f : fs) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        throw new IllegalStateException("ground truth worker failed", e.getCause());
                    }
                }
            });
        } finally {
            pool.shutdownNow();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        long[][] ids = new long[queries.length][];
        float[][] scores = new float[queries.length][];
        for (int q = 0; q < queries.length; q++) {
            int n = heaps[q].size();
            ids[q] = new long[n];
            scores[q] = new float[n];
            heaps[q].sortedInto(ids[q], scores[q]);
            if (l2) {
                for (int i = 0; i < n; i++) {
                    scores[q][i] = -scores[q][i];
                }
            }
        }
        int dim = queries.length == 0 ? 0 : queries[0].length;
        return new Result(ids, scores, scanned[0], secs, gflops(dim, scanned[0], queries.length, secs));
    }

    /** 2·dim·items·queries floating-point operations (one multiply and one add per coordinate pair). */
    public static double gflops(int dim, long items, int queries, double seconds) {
        return seconds <= 0 ? 0 : 2.0 * dim * items * queries / seconds / 1e9;
    }

    private void scoreRange(ItemBlock block, int from, int to, float[][] s) {
        int n = block.count();
        int dim = block.dim();
        float[][] x = block.columns();
        long[] ids = block.ids();
        for (int q = from; q < to; q += TILE) {
            int tile = Math.min(TILE, to - q);
            for (int t = 0; t < tile; t++) {
                java.util.Arrays.fill(s[t], 0, n, 0f);
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
                select(heaps[q + t], s[t], ids, n);
            }
        }
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

    private static void select(TopKHeap heap, float[] s, long[] ids, int n) {
        float th = heap.threshold();
        for (int j = 0; j < n; j++) {
            float v = s[j];
            if (v >= th) {
                heap.offer(v, ids[j]);
                th = heap.threshold();
            }
        }
    }

    /** Best-first ids and scores per query (scores as Milvus reports them: similarity, or L2 squared distance). */
    public record Result(long[][] ids, float[][] scores, long items, double seconds, double gflops) {
    }
}
