package org.recallctl.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import org.recallctl.config.Metric;

/**
 * Brute-force TopK of every query over every item, exact: the result is, per query, the K best items by the
 * <em>reference score</em> (one float accumulator, dimensions in order 0, 1, …, dim − 1, one rounding per multiply
 * and per add, as the plain triple loop computes it), ties broken by the smaller id.
 *
 * <p>A fast {@link ScoreKernel} (native BLAS sgemm, else the pure-Java kernel) scores each item block against
 * all queries. BLAS sums in its own order and fuses multiply-adds, so its float scores can differ from the
 * reference by a few ulps and could reorder near-ties. So the kernel only filters: an item whose fast score is
 * within the kernel's error bound ({@link ScoreKernel#margin}) of the query heap's threshold is rescored with the
 * reference loop, and only reference scores enter the heap. Any item that belongs to the reference TopK has a
 * reference score at or above the heap's (only rising) threshold, hence a fast score within the margin of it, so it
 * is never filtered out: the answer is the reference TopK whatever the kernel.
 *
 * <p>Blocks arrive one at a time ({@link ItemStream}) and are shared read-only by all threads while hot in cache;
 * each thread owns a contiguous range of queries and their heaps, so no locks. COSINE expects unit vectors on both
 * sides (the caller normalises) and is then scored as IP; L2 is the squared distance, as Milvus reports it.
 */
public final class ExactTopK {
    /** Which fast kernel: AUTO takes native BLAS when a usable one loads, else pure Java. */
    public enum Kernel { AUTO, NATIVE_BLAS, JAVA }

    private final float[][] queries;
    private final float[] queryNorms;
    private final boolean l2;
    private final int threads;
    private final TopKHeap[] heaps;
    private final ScoreKernel kernel;
    private final LongAdder rescored = new LongAdder();

    public ExactTopK(float[][] queries, Metric metric, int k, int threads) {
        this(queries, metric, k, threads, Kernel.AUTO);
    }

    public ExactTopK(float[][] queries, Metric metric, int k, int threads, Kernel kind) {
        this.queries = queries;
        this.l2 = metric == Metric.L2;
        this.threads = Math.max(1, Math.min(threads, queries.length));
        this.heaps = new TopKHeap[queries.length];
        this.queryNorms = new float[queries.length];
        for (int q = 0; q < queries.length; q++) {
            heaps[q] = new TopKHeap(k);
            double ss = 0;
            for (float v : queries[q]) {
                ss += (double) v * v;
            }
            queryNorms[q] = Math.nextUp((float) Math.sqrt(ss));
        }
        this.kernel = choose(queries, metric, kind);
    }

    private static ScoreKernel choose(float[][] queries, Metric metric, Kernel kind) {
        if (kind == Kernel.JAVA) {
            return new JavaKernel(queries, metric, "");
        }
        StringBuilder whyNot = new StringBuilder();
        var blas = BlasKernel.load(queries, metric, whyNot);
        if (blas.isPresent()) {
            return blas.get();
        }
        if (kind == Kernel.NATIVE_BLAS) {
            throw new IllegalStateException(whyNot.toString());
        }
        return new JavaKernel(queries, metric, whyNot.toString());
    }

    /** The kernel this run uses, for logs and the report. */
    public String kernelName() {
        return kernel.name();
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
            ScoreKernel.Worker[] workers = new ScoreKernel.Worker[threads];
            Scratch[] scratch = new Scratch[threads];
            items.forEachBlock(block -> {
                scanned[0] += block.count();
                kernel.prepare(block);
                List<Future<?>> fs = new ArrayList<>(threads);
                for (int t = 0; t < threads; t++) {
                    int from = t * per;
                    int to = Math.min(queries.length, from + per);
                    if (from >= to) {
                        continue;
                    }
                    if (workers[t] == null) {
                        workers[t] = kernel.worker();
                    }
                    if (scratch[t] == null || scratch[t].cand.length < block.capacity()) {
                        scratch[t] = new Scratch(block.capacity());
                    }
                    ScoreKernel.Worker w = workers[t];
                    Scratch sc = scratch[t];
                    fs.add(pool.submit(() -> w.score(block, from, to, (q, s, off) -> select(q, s, off, block, sc))));
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

    /** Items rescored with the reference loop so far (the candidates near some heap's threshold). */
    public long rescored() {
        return rescored.sum();
    }

    /** 2·dim·items·queries floating-point operations (one multiply and one add per coordinate pair). */
    public static double gflops(int dim, long items, int queries, double seconds) {
        return seconds <= 0 ? 0 : 2.0 * dim * items * queries / seconds / 1e9;
    }

    /**
     * Offers to query q's heap, with its reference score, every item whose fast score may reach the heap. First a
     * plain scan against the threshold at the block's start (it only rises, so this admits a superset), then the
     * candidates that still pass the current threshold are rescored four at a time: four independent
     * accumulators, each summing its own item in the reference order, so the CPU overlaps their latency.
     */
    private void select(int q, float[] s, int off, ItemBlock block, Scratch scratch) {
        int[] cand = scratch.cand;
        int[] grp = scratch.group;
        float[] g = scratch.scores;
        TopKHeap heap = heaps[q];
        float[] qv = queries[q];
        float[] rows = block.rows();
        long[] ids = block.ids();
        int dim = block.dim();
        int n = block.count();
        double margin = kernel.margin(queryNorms[q], block.maxNorm());
        float lo = lowest(heap.threshold(), margin);
        int nc = 0;
        for (int j = 0; j < n; j++) {
            if (s[off + j] >= lo) {
                cand[nc++] = j;
            }
        }
        long count = 0;
        for (int i = 0; i < nc; ) {
            int m = 0;
            while (i < nc && m < 4) {
                int j = cand[i++];
                if (s[off + j] >= lo) {
                    grp[m++] = j;
                }
            }
            if (m == 4) {
                reference4(qv, rows, grp, dim, l2, g);
            } else {
                for (int t = 0; t < m; t++) {
                    g[t] = reference(qv, rows, grp[t] * dim, dim, l2);
                }
            }
            for (int t = 0; t < m; t++) {
                heap.offer(g[t], ids[grp[t]]);
            }
            lo = lowest(heap.threshold(), margin);
            count += m;
        }
        rescored.add(count);
    }

    /** The smallest fast score that can still belong to an item whose reference score reaches {@code threshold}. */
    private static float lowest(float threshold, double margin) {
        return threshold == Float.NEGATIVE_INFINITY ? threshold : Math.nextDown((float) (threshold - margin));
    }

    /**
     * The reference score that defines "exact": the plain loop, one float accumulator, d = 0 … dim − 1 (Java
     * rounds every multiply and add and never reassociates, so this is the same on every JVM). L2 as −|x − q|².
     */
    static float reference(float[] q, float[] rows, int base, int dim, boolean l2) {
        float acc = 0;
        if (l2) {
            for (int d = 0; d < dim; d++) {
                float t = rows[base + d] - q[d];
                acc += t * t;
            }
            return -acc;
        }
        for (int d = 0; d < dim; d++) {
            acc += q[d] * rows[base + d];
        }
        return acc;
    }

    /** One worker thread's buffers for {@link #select}. */
    private static final class Scratch {
        final int[] cand;
        final int[] group = new int[4];
        final float[] scores = new float[4];

        Scratch(int capacity) {
            cand = new int[capacity];
        }
    }

    /** {@link #reference} of four items at once, each bit-identical to it (its own accumulator, same order). */
    static void reference4(float[] q, float[] rows, int[] items, int dim, boolean l2, float[] out) {
        int b0 = items[0] * dim;
        int b1 = items[1] * dim;
        int b2 = items[2] * dim;
        int b3 = items[3] * dim;
        float a0 = 0;
        float a1 = 0;
        float a2 = 0;
        float a3 = 0;
        if (l2) {
            for (int d = 0; d < dim; d++) {
                float qd = q[d];
                float t0 = rows[b0 + d] - qd;
                float t1 = rows[b1 + d] - qd;
                float t2 = rows[b2 + d] - qd;
                float t3 = rows[b3 + d] - qd;
                a0 += t0 * t0;
                a1 += t1 * t1;
                a2 += t2 * t2;
                a3 += t3 * t3;
            }
            out[0] = -a0;
            out[1] = -a1;
            out[2] = -a2;
            out[3] = -a3;
            return;
        }
        for (int d = 0; d < dim; d++) {
            float qd = q[d];
            a0 += qd * rows[b0 + d];
            a1 += qd * rows[b1 + d];
            a2 += qd * rows[b2 + d];
            a3 += qd * rows[b3 + d];
        }
        out[0] = a0;
        out[1] = a1;
        out[2] = a2;
        out[3] = a3;
    }

    /** Best-first ids and scores per query (scores as Milvus reports them: similarity, or L2 squared distance). */
    public record Result(long[][] ids, float[][] scores, long items, double seconds, double gflops) {
    }
}
