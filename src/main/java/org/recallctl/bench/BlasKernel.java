package org.recallctl.bench;

import dev.ludovic.netlib.blas.NativeBLAS;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.recallctl.config.Metric;

/**
 * Scores with the native BLAS sgemm (netlib-java's JNI binding to the system's {@code libblas.so.3}; on Debian
 * {@code apt-get install libopenblas0-pthread} makes that OpenBLAS): one call multiplies a block of items by a
 * chunk of queries, {@code C = X·Qᵀ}, so each query's scores land contiguous in C. L2 uses the expansion
 * −|x − q|² = 2q·x − |x|² − |q|². Each worker thread makes its own single-threaded calls: the launcher sets
 * {@code OPENBLAS_NUM_THREADS=1}, so OpenBLAS does not start threads of its own beside ours.
 */
final class BlasKernel implements ScoreKernel {
    /** Queries per sgemm call: C (block × chunk floats, 1 MB for blocks of 1024) stays in L2 for the selection. */
    static final int CHUNK = 256;

    /**
     * netlib-java logs a java.util.logging WARNING for every implementation it fails to load (always for its
     * Vector API one on Java 17 without --add-modules); recallctl reports the kernel it uses itself. A field,
     * because java.util.logging keeps loggers only weakly.
     */
    private static final Logger NETLIB_LOG = Logger.getLogger("dev.ludovic.netlib");

    private final NativeBLAS blas;
    private final String library;
    private final boolean l2;
    private final float[] flat;
    private final float[] querySquares;
    private final int dim;

    private BlasKernel(NativeBLAS blas, String library, float[][] queries, Metric metric) {
        this.blas = blas;
        this.library = library;
        this.l2 = metric == Metric.L2;
        this.dim = queries.length == 0 ? 0 : queries[0].length;
        this.flat = new float[queries.length * dim];
        this.querySquares = new float[queries.length];
        for (int q = 0; q < queries.length; q++) {
            System.arraycopy(queries[q], 0, flat, q * dim, dim);
            double ss = 0;
            for (float v : queries[q]) {
                ss += (double) v * v;
            }
            querySquares[q] = (float) ss;
        }
    }

    /** The native kernel, or empty (with the reason) when no usable native BLAS loads. */
    static Optional<BlasKernel> load(float[][] queries, Metric metric, StringBuilder whyNot) {
        NETLIB_LOG.setLevel(Level.SEVERE);
        NativeBLAS blas;
        try {
            blas = NativeBLAS.getInstance();
        } catch (RuntimeException | LinkageError e) {
            whyNot.append("no native BLAS (libblas.so.3) loads; on Debian: apt-get install libopenblas0-pthread");
            return Optional.empty();
        }
        String lib = mappedLibrary().orElse("libblas.so.3");
        if (lib.contains("/blas/libblas.so")) {
            // Debian's reference netlib BLAS (package libblas3): a plain Fortran loop, slower than the Java kernel
            whyNot.append("libblas.so.3 is the reference BLAS (" + lib + "), slower than the Java kernel; "
                    + "apt-get install libopenblas0-pthread");
            return Optional.empty();
        }
        return Optional.of(new BlasKernel(blas, lib, queries, metric));
    }

    /** Which file the dynamic linker mapped for libblas.so.3 (it is an alternatives symlink on Debian). */
    private static Optional<String> mappedLibrary() {
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.map(l -> l.substring(l.lastIndexOf(' ') + 1))
                    .filter(f -> f.startsWith("/") && (f.contains("blas") || f.contains("mkl")) && !f.contains("netlibblasjni"))
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public String name() {
        return "native BLAS (" + library + ")";
    }

    /**
     * IP: kernel and reference each err by at most γ·|q|·|x|. L2: 2q·x errs by 2γ|q||x|, |x|², |q|² and the two
     * subtractions by a few u·(|q| + |x|)², the reference by γ·(|q| + |x|)². Doubled for safety: rescoring a few
     * more items costs nothing measurable, missing one would make the TopK inexact.
     */
    @Override
    public double margin(double queryNorm, double itemNorm) {
        double g = ScoreKernel.gamma(dim);
        return l2 ? 4 * g * (queryNorm + itemNorm) * (queryNorm + itemNorm) : 4 * g * queryNorm * itemNorm;
    }

    @Override
    public Worker worker() {
        return new Worker() {
            private float[] c = new float[0];

            @Override
            public void score(ItemBlock block, int from, int to, Sink sink) {
                int n = block.count();
                if (n == 0) {
                    return;
                }
                if (c.length < block.capacity() * CHUNK) {
                    c = new float[block.capacity() * CHUNK];
                }
                for (int q0 = from; q0 < to; q0 += CHUNK) {
                    int m = Math.min(CHUNK, to - q0);
                    // C (n × m, column-major) = X (n × dim: row-major block, i.e. "T" of dim × n) · Q (dim × m)
                    blas.sgemm("T", "N", n, m, dim, l2 ? 2f : 1f, block.rows(), 0, dim, flat, q0 * dim, dim,
                            0f, c, 0, n);
                    for (int t = 0; t < m; t++) {
                        int off = t * n;
                        if (l2) {
                            float qs = querySquares[q0 + t];
                            for (int j = 0; j < n; j++) {
                                c[off + j] = c[off + j] - block.squaredNorm(j) - qs;
                            }
                        }
                        sink.accept(q0 + t, c, off);
                    }
                }
            }
        };
    }
}
