package org.recallctl.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.recallctl.config.Metric;

/**
 * "Exact" means: the same TopK, ids and order, as the plain scalar loop (one float accumulator, d = 0 … dim − 1),
 * ties broken by the smaller id, for every kernel (native BLAS, which sums in its own order with fused
 * multiply-adds, and the pure-Java one). The near-tie data below makes the kernels' raw float scores disagree
 * with the scalar loop's, so only the rescoring keeps them exact.
 */
class ExactTopKTest {
    private static final boolean NATIVE = nativeBlas();

    private static boolean nativeBlas() {
        try {
            new ExactTopK(new float[][] {{1f}}, Metric.IP, 1, 1, ExactTopK.Kernel.NATIVE_BLAS);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    static Stream<Arguments> kernelsAndMetrics() {
        List<Arguments> out = new ArrayList<>();
        for (ExactTopK.Kernel k : List.of(ExactTopK.Kernel.NATIVE_BLAS, ExactTopK.Kernel.JAVA)) {
            for (Metric m : Metric.values()) {
                out.add(Arguments.of(k, m));
            }
        }
        return out.stream();
    }

    private static void assumeKernel(ExactTopK.Kernel kernel) {
        if (kernel != ExactTopK.Kernel.NATIVE_BLAS) {
            return;
        }
        // CI installs Debian's OpenBLAS (bin/stack): there a missing native library is a failure, not a skip
        if ("true".equals(System.getenv("CI"))) {
            assertThat(NATIVE).as("native BLAS loads in CI (bin/stack installs libopenblas0-pthread)").isTrue();
        }
        assumeTrue(NATIVE, "no native BLAS here: apt-get install libopenblas0-pthread");
    }

    @ParameterizedTest
    @MethodSource("kernelsAndMetrics")
    void equalsADoublePrecisionComputationOnGenericData(ExactTopK.Kernel kernel, Metric metric) throws Exception {
        assumeKernel(kernel);
        Random rnd = new Random(3);
        // dim 37: not a multiple of any SIMD width or BLAS register block; 300 queries on one thread: one full
        // sgemm chunk of 256 and a remainder, and a query tile remainder for the Java kernel (300 = 75 * 4, and
        // 2 threads: 150 = 37 * 4 + 2); block size 300: a partial last block
        int n = 2500, dim = 37, nq = 300, k = 17;
        long[] ids = new long[n];
        float[][] x = gaussian(rnd, n, dim);
        for (int i = 0; i < n; i++) {
            ids[i] = 1000 + 7L * i;
        }
        float[][] q = gaussian(rnd, nq, dim);
        for (int threads : new int[] {1, 2}) {
            ExactTopK.Result r = new ExactTopK(q, metric, k, threads, kernel).run(InMemoryItems.of(ids, x, 300));
            assertThat(r.items()).isEqualTo(n);
            for (int qi = 0; qi < nq; qi++) {
                float[] qv = q[qi];
                double[] s = IntStream.range(0, n).mapToDouble(i -> naive(qv, x[i], metric)).toArray();
                Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
                Comparator<Integer> by = Comparator.comparingDouble(i -> s[i]);
                Arrays.sort(order, metric.higherIsBetter() ? by.reversed() : by);
                long[] expected = Arrays.stream(order).limit(k).mapToLong(i -> ids[i]).toArray();
                assertThat(r.ids()[qi]).as("%s %s threads=%d query %d", kernel, metric, threads, qi)
                        .containsExactly(expected);
                assertThat(r.scores()[qi][0]).isCloseTo((float) s[order[0]], org.assertj.core.data.Offset.offset(1e-3f));
            }
        }
    }

    /**
     * Every item is a permutation of one vector (some repeated under other ids) and every query is constant per
     * coordinate, so all items tie in exact arithmetic and their float scores differ only in the last bits, by
     * summation order: the scalar loop's order decides, then the id. A kernel's raw scores rank these differently.
     */
    @ParameterizedTest
    @MethodSource("kernelsAndMetrics")
    void sameTopKAsTheScalarLoopOnNearTies(ExactTopK.Kernel kernel, Metric metric) throws Exception {
        assumeKernel(kernel);
        Random rnd = new Random(11);
        int dim = 61, n = 3000, k = 50, nq = 8;
        float[] base = new float[dim];
        for (int d = 0; d < dim; d++) {
            base[d] = (float) ((rnd.nextDouble() * 2 - 1) * Math.pow(2, rnd.nextInt(12) - 6));
        }
        float[][] x = new float[n][];
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            // every 7th item repeats an earlier one exactly: a true tie, which only the id breaks
            x[i] = i % 7 == 6 ? x[i - 3].clone() : permuted(base, rnd);
            ids[i] = (i * 7919L) % 10007; // ids not in scan order, so "first seen" is not "smallest id"
        }
        float[][] q = new float[nq][dim];
        for (int t = 0; t < nq; t++) {
            Arrays.fill(q[t], (float) (0.1 + rnd.nextDouble()) * (t % 2 == 0 ? 1 : -1));
        }
        ExactTopK.Result r = new ExactTopK(q, metric, k, 2, kernel).run(InMemoryItems.of(ids, x, 256));
        for (int t = 0; t < nq; t++) {
            assertThat(r.ids()[t]).as("%s %s query %d", kernel, metric, t).containsExactly(scalarLoop(q[t], x, ids, k, metric));
        }
    }

    /** The kernels' error bound holds, also where large terms cancel; it is what makes the filter safe. */
    @Test
    void blasScoresStayWithinTheMarginOfTheReference() {
        assumeKernel(ExactTopK.Kernel.NATIVE_BLAS);
        Random rnd = new Random(5);
        int dim = 128, n = 1024;
        for (Metric metric : List.of(Metric.IP, Metric.L2)) {
            float[][] q = new float[16][dim];
            for (float[] v : q) {
                for (int d = 0; d < dim; d++) {
                    v[d] = (float) (rnd.nextGaussian() * (d % 2 == 0 ? 1e3 : 1e-3));
                }
            }
            ItemBlock block = new ItemBlock(dim, n);
            for (int i = 0; i < n; i++) {
                float[] v = new float[dim];
                for (int d = 0; d < dim; d++) {
                    v[d] = (float) (rnd.nextGaussian() * (d % 2 == 0 ? 1e3 : 1e-3));
                }
                block.add(i, v);
            }
            ScoreKernel kernel = BlasKernel.load(q, metric, new StringBuilder()).orElseThrow();
            double[] worst = {0};
            kernel.worker().score(block, 0, q.length, (t, s, off) -> {
                double qn = norm(q[t]);
                for (int j = 0; j < n; j++) {
                    float ref = ExactTopK.reference(q[t], block.rows(), j * dim, dim, metric == Metric.L2);
                    double err = Math.abs((double) s[off + j] - ref);
                    double m = kernel.margin(qn, block.norm(j));
                    assertThat(err).as("%s query %d item %d", metric, t, j).isLessThanOrEqualTo(m);
                    worst[0] = Math.max(worst[0], err / m);
                }
            });
            assertThat(worst[0]).as("%s: the data exercises the bound (error > 0)", metric).isGreaterThan(0);
        }
    }

    @Test
    void fewerItemsThanKReturnsThemAll() throws Exception {
        for (ExactTopK.Kernel kernel : NATIVE ? ExactTopK.Kernel.values() : new ExactTopK.Kernel[] {ExactTopK.Kernel.JAVA}) {
            float[][] x = {{1, 0}, {0, 1}};
            ExactTopK.Result r = new ExactTopK(new float[][] {{1, 0}}, Metric.IP, 5, 1, kernel)
                    .run(InMemoryItems.of(new long[] {5, 6}, x, 4));
            assertThat(r.ids()[0]).as("%s", kernel).containsExactly(5, 6);
        }
    }

    @Test
    void autoTakesTheNativeKernelWhenOneLoads() {
        String name = new ExactTopK(new float[][] {{1f, 2f}}, Metric.IP, 1, 1).kernelName();
        assertThat(name).startsWith(NATIVE ? "native BLAS (" : "pure Java");
    }

    /** The plain scalar triple loop the issue calls exact: float accumulator, dimensions in order, ties by id. */
    private static long[] scalarLoop(float[] q, float[][] x, long[] ids, int k, Metric metric) {
        float[] s = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            float acc = 0;
            for (int d = 0; d < q.length; d++) {
                if (metric == Metric.L2) {
                    float t = x[i][d] - q[d];
                    acc += t * t;
                } else {
                    acc += q[d] * x[i][d];
                }
            }
            s[i] = acc;
        }
        Comparator<Integer> better = metric.higherIsBetter()
                ? Comparator.<Integer>comparingDouble(i -> -s[i]) : Comparator.comparingDouble(i -> s[i]);
        return IntStream.range(0, x.length).boxed().sorted(better.thenComparingLong(i -> ids[i])).limit(k)
                .mapToLong(i -> ids[i]).toArray();
    }

    private static float[] permuted(float[] base, Random rnd) {
        float[] v = base.clone();
        for (int i = v.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return v;
    }

    private static float[][] gaussian(Random rnd, int n, int dim) {
        float[][] x = new float[n][dim];
        for (float[] v : x) {
            for (int d = 0; d < dim; d++) {
                v[d] = (float) rnd.nextGaussian();
            }
        }
        return x;
    }

    private static double norm(float[] v) {
        double ss = 0;
        for (float f : v) {
            ss += (double) f * f;
        }
        return Math.sqrt(ss);
    }

    /** COSINE here is on raw vectors: the kernel gets unit vectors from the caller; on raw ones it ranks like IP. */
    private static double naive(float[] a, float[] b, Metric m) {
        double dot = 0, l2 = 0;
        for (int d = 0; d < a.length; d++) {
            dot += (double) a[d] * b[d];
            l2 += ((double) a[d] - b[d]) * ((double) a[d] - b[d]);
        }
        return m == Metric.L2 ? l2 : dot;
    }
}
