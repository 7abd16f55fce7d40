package org.recallctl.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.recallctl.config.Metric;

/**
 * Ground-truth rate benchmark (no JMH, no MySQL): seeded 1,000,000 x 128 items generated in memory, 1,000
 * queries, TopK 100, IP. Measures {@link ExactTopK} (all cores, and one thread) and a plain scalar triple loop on
 * a subset of the same data in the same run, and prints GFLOP/s (2·dim·items·queries / s) for each.
 *
 * <pre>
 * mvn -q test-compile && java -Xmx3g -cp "target/classes:target/test-classes:$(cat target/cp.txt)" \
 *     org.recallctl.bench.GroundTruthBench [items] [queries] [scalarItems] [scalarQueries]
 * </pre>
 * (benchmarks/groundtruth.sh does exactly this.)
 */
public final class GroundTruthBench {
    private GroundTruthBench() {
    }

    public static void main(String[] args) throws Exception {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int nq = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int block = 1024;
        // a whole number of blocks, so the fast kernel can be checked against the scalar loop on the same subset
        int scalarItems = (args.length > 2 ? Integer.parseInt(args[2]) : 200_000) / block * block;
        int scalarQueries = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        int dim = 128;
        int k = 100;
        Random rnd = new Random(42);
        System.out.printf("generating %d x %d items (seed 42)...%n", items, dim);
        List<ItemBlock> blocks = new ArrayList<>();
        float[] rowMajor = new float[scalarItems * dim]; // the scalar loop's copy of the first items
        float[] v = new float[dim];
        ItemBlock b = null;
        for (int i = 0; i < items; i++) {
            for (int d = 0; d < dim; d++) {
                v[d] = (float) rnd.nextGaussian();
            }
            if (b == null || b.full()) {
                b = new ItemBlock(dim, block);
                blocks.add(b);
            }
            b.add(i, v);
            if (i < scalarItems) {
                System.arraycopy(v, 0, rowMajor, i * dim, dim);
            }
        }
        float[][] queries = new float[nq][dim];
        for (float[] q : queries) {
            for (int d = 0; d < dim; d++) {
                q[d] = (float) rnd.nextGaussian();
            }
        }
        InMemoryItems stream = new InMemoryItems(dim, blocks);
        int cores = Runtime.getRuntime().availableProcessors();

        // warm-up so C2 has compiled the kernels before the measured runs
        float[][] warmQ = java.util.Arrays.copyOf(queries, Math.min(nq, 64));
        new ExactTopK(warmQ, Metric.IP, k, cores).run(new InMemoryItems(dim, blocks.subList(0, Math.min(blocks.size(), 50))));
        scalar(java.util.Arrays.copyOf(queries, 4), rowMajor, Math.min(scalarItems, 20_000), dim, k);

        ExactTopK.Result all = new ExactTopK(queries, Metric.IP, k, cores).run(stream);
        System.out.printf("blocked SIMD, %d threads: %d items x %d queries in %.2f s = %.2f GFLOP/s%n",
                cores, all.items(), nq, all.seconds(), all.gflops());
        int oneQ = Math.min(nq, 250);
        ExactTopK.Result one = new ExactTopK(java.util.Arrays.copyOf(queries, oneQ), Metric.IP, k, 1).run(stream);
        System.out.printf("blocked SIMD, 1 thread:  %d items x %d queries in %.2f s = %.2f GFLOP/s%n",
                one.items(), oneQ, one.seconds(), one.gflops());
        float[][] sq = java.util.Arrays.copyOf(queries, scalarQueries);
        long t0 = System.nanoTime();
        long[][] scalarIds = scalar(sq, rowMajor, scalarItems, dim, k);
        double secs = (System.nanoTime() - t0) / 1e9;
        double sg = ExactTopK.gflops(dim, scalarItems, scalarQueries, secs);
        System.out.printf("scalar triple loop, 1 thread: %d items x %d queries in %.2f s = %.2f GFLOP/s%n",
                scalarItems, scalarQueries, secs, sg);
        // same answer on the subset: the fast kernel must agree with the plain loop
        ExactTopK.Result check = new ExactTopK(sq, Metric.IP, k, cores)
                .run(new InMemoryItems(dim, blocks.subList(0, scalarItems / block)));
        int agree = 0;
        for (int q = 0; q < scalarQueries; q++) {
            agree += java.util.Arrays.equals(check.ids()[q], scalarIds[q]) ? 1 : 0;
        }
        System.out.printf("speed-up: %.1fx (all threads), %.1fx (1 thread); identical TopK on %d/%d subset queries%n",
                all.gflops() / sg, one.gflops() / sg, agree, scalarQueries);
    }

    /** The plain triple loop: queries x items x dimensions, one accumulator, row-major items, same heap. */
    static long[][] scalar(float[][] queries, float[] x, int items, int dim, int k) {
        long[][] out = new long[queries.length][];
        for (int q = 0; q < queries.length; q++) {
            TopKHeap heap = new TopKHeap(k);
            float[] qv = queries[q];
            for (int i = 0; i < items; i++) {
                float dot = 0;
                int base = i * dim;
                for (int d = 0; d < dim; d++) {
                    dot += qv[d] * x[base + d];
                }
                heap.offer(dot, i);
            }
            out[q] = new long[heap.size()];
            heap.sortedInto(out[q], new float[heap.size()]);
        }
        return out;
    }
}
