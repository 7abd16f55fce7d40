package org.recallctl.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.recallctl.config.Metric;

/**
 * Ground-truth rate benchmark (no JMH, no MySQL), driven by benchmarks/groundtruth.sh:
 * <pre>
 * GroundTruthBench generate DIR [items] [queries]   seeded Gaussian items and queries (dim 128) as raw float32 files
 * GroundTruthBench run DIR [k] [scalarItems] [scalarQueries] [fast|all]
 * </pre>
 * {@code run ... fast} times {@link ExactTopK} with the kernel bench uses (AUTO: native BLAS when it loads) on all
 * items × all queries (K=100, IP, all cores) and writes the ids for the FAISS comparison
 * (benchmarks/faiss_flat.py reads the same files); {@code all} also times every other kernel, the plain scalar
 * triple loop on a subset, and checks that every kernel returns the same TopK as the scalar loop on the subset and
 * as each other on everything. GFLOP/s = 2·dim·items·queries / s.
 */
public final class GroundTruthBench {
    private static final int DIM = 128;
    private static final int BLOCK = 1024;

    private GroundTruthBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        if (args[0].equals("generate")) {
            generate(dir, args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000,
                    args.length > 3 ? Integer.parseInt(args[3]) : 1_000);
        } else {
            run(dir, args.length > 2 ? Integer.parseInt(args[2]) : 100,
                    args.length > 3 ? Integer.parseInt(args[3]) : 200_000,
                    args.length > 4 ? Integer.parseInt(args[4]) : 100, args.length <= 5 || !"fast".equals(args[5]));
        }
    }

    private static void generate(Path dir, int items, int nq) throws IOException {
        Files.createDirectories(dir);
        Random rnd = new Random(42);
        write(dir.resolve("items.f32"), rnd, items);
        write(dir.resolve("queries.f32"), rnd, nq);
        System.out.printf("generated %d items and %d queries (dim %d, Gaussian, seed 42) in %s%n", items, nq, DIM, dir);
    }

    private static void write(Path f, Random rnd, int rows) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.allocate(4 * DIM * 4096).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < rows; i++) {
                for (int d = 0; d < DIM; d++) {
                    buf.putFloat((float) rnd.nextGaussian());
                }
                if (!buf.hasRemaining() || i == rows - 1) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                    buf.clear();
                }
            }
        }
    }

    private static float[][] read(Path f) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        float[][] out = new float[b.remaining() / 4 / DIM][DIM];
        for (float[] v : out) {
            for (int d = 0; d < DIM; d++) {
                v[d] = b.getFloat();
            }
        }
        return out;
    }

    private static void run(Path dir, int k, int scalarItems, int scalarQueries, boolean everything) throws Exception {
        float[][] x = read(dir.resolve("items.f32"));
        float[][] queries = read(dir.resolve("queries.f32"));
        int nq = queries.length;
        List<ItemBlock> blocks = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (blocks.isEmpty() || blocks.get(blocks.size() - 1).full()) {
                blocks.add(new ItemBlock(DIM, BLOCK));
            }
            blocks.get(blocks.size() - 1).add(i, x[i]);
        }
        InMemoryItems all = new InMemoryItems(DIM, blocks);
        int cores = Runtime.getRuntime().availableProcessors();
        List<ExactTopK.Kernel> kernels = new ArrayList<>(List.of(ExactTopK.Kernel.JAVA));
        try {
            new ExactTopK(queries, Metric.IP, k, 1, ExactTopK.Kernel.NATIVE_BLAS);
            kernels.add(0, ExactTopK.Kernel.NATIVE_BLAS);
        } catch (IllegalStateException e) {
            System.out.println("native BLAS: not available: " + e.getMessage());
        }
        if (!everything) {
            kernels = kernels.subList(0, 1); // what bench's AUTO takes
        }
        // warm-up so C2 has compiled the kernels and the selection before the measured runs
        InMemoryItems warm = new InMemoryItems(DIM, blocks.subList(0, Math.min(blocks.size(), 60)));
        for (ExactTopK.Kernel kind : kernels) {
            new ExactTopK(Arrays.copyOf(queries, Math.min(nq, 256)), Metric.IP, k, cores, kind).run(warm);
        }
        ExactTopK.Result first = null;
        for (ExactTopK.Kernel kind : kernels) {
            ExactTopK e = new ExactTopK(queries, Metric.IP, k, cores, kind);
            long cpu0 = processCpuNanos();
            ExactTopK.Result r = e.run(all);
            double cpu = (processCpuNanos() - cpu0) / 1e9;
            System.out.printf("RESULT kernel=%s threads=%d items=%d queries=%d k=%d seconds=%.3f gflops=%.1f "
                    + "cpu_seconds=%.3f gflop_per_cpu_second=%.1f rescored_per_query=%.0f%n", kind, cores, r.items(),
                    nq, k, r.seconds(), r.gflops(), cpu, ExactTopK.gflops(DIM, r.items(), nq, cpu),
                    (double) e.rescored() / nq);
            System.out.printf("  (%s)%n", e.kernelName());
            if (first == null) {
                first = r;
                writeIds(dir.resolve("java-ids.i64"), r.ids());
            } else {
                System.out.printf("  identical TopK (ids and order) to %s on %d/%d queries%n", kernels.get(0),
                        agree(first.ids(), r.ids()), nq);
            }
        }
        if (!everything) {
            return;
        }
        // the plain scalar triple loop on a subset of the same data: the definition of "exact"
        int sub = Math.min(scalarItems / BLOCK * BLOCK, x.length / BLOCK * BLOCK);
        float[][] sq = Arrays.copyOf(queries, Math.min(scalarQueries, nq));
        scalar(Arrays.copyOf(sq, 2), x, Math.min(sub, 20_000), k);
        long t0 = System.nanoTime();
        long[][] scalarIds = scalar(sq, x, sub, k);
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("RESULT kernel=SCALAR threads=1 items=%d queries=%d k=%d seconds=%.3f gflops=%.2f%n",
                sub, sq.length, k, secs, ExactTopK.gflops(DIM, sub, sq.length, secs));
        InMemoryItems subset = new InMemoryItems(DIM, blocks.subList(0, sub / BLOCK));
        for (ExactTopK.Kernel kind : kernels) {
            ExactTopK.Result r = new ExactTopK(sq, Metric.IP, k, cores, kind).run(subset);
            System.out.printf("  %s: identical TopK to the scalar loop on %d/%d subset queries%n", kind,
                    agree(scalarIds, r.ids()), sq.length);
        }
    }

    /** CPU seconds of the whole process (all threads): robust to other load on the machine, unlike wall time. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static int agree(long[][] a, long[][] b) {
        int n = 0;
        for (int q = 0; q < a.length; q++) {
            n += Arrays.equals(a[q], b[q]) ? 1 : 0;
        }
        return n;
    }

    private static void writeIds(Path f, long[][] ids) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 * ids.length * ids[0].length).order(ByteOrder.LITTLE_ENDIAN);
        for (long[] row : ids) {
            for (long id : row) {
                b.putLong(id);
            }
        }
        Files.write(f, b.array());
    }

    /** The plain triple loop: queries × items × dimensions, one float accumulator, same heap and tie rule. */
    static long[][] scalar(float[][] queries, float[][] x, int items, int k) {
        long[][] out = new long[queries.length][];
        for (int q = 0; q < queries.length; q++) {
            TopKHeap heap = new TopKHeap(k);
            float[] qv = queries[q];
            for (int i = 0; i < items; i++) {
                float dot = 0;
                float[] xi = x[i];
                for (int d = 0; d < qv.length; d++) {
                    dot += qv[d] * xi[d];
                }
                heap.offer(dot, i);
            }
            out[q] = new long[heap.size()];
            heap.sortedInto(out[q], new float[heap.size()]);
        }
        return out;
    }
}
