package org.recallctl.benchmarks;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.recallctl.config.ConfigLoader;
import org.recallctl.config.RecallConfig;
import org.recallctl.milvus.CollectionSpec;
import org.recallctl.milvus.InsertColumns;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.milvus.Partitions;

/**
 * Client CPU of the write path, benchmarks/insert-cpu.sh: the same in-memory rows (id, vector, category int64,
 * brand varchar) inserted into the same server by (a) a plain V2 row loop (one gson object per row, the SDK's
 * InsertReq) and (b) recallctl's columnar request (InsertColumns over the generated stub), alternating, after a
 * warm-up of each. Reports per method the CPU seconds per million rows of the inserting thread and of the whole
 * JVM (gRPC's transport threads, GC and JIT included), and rows/s. One JSON line per dimension on stdout.
 * Usage: InsertCpuBenchmark CONFIG_FILE COLLECTION ROWS DIM [ROUNDS]
 */
public final class InsertCpuBenchmark {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private InsertCpuBenchmark() {
    }

    private record Item(long id, float[] vector, long category, String brand) {
    }

    private interface Method {
        void insert(MilvusGateway milvus, String collection, int partition, List<Item> batch);
    }

    public static void main(String[] args) throws Exception {
        int dim = Integer.parseInt(args[3]);
        RecallConfig cfg = new ConfigLoader(System.getenv()).load(Path.of(args[0]),
                Map.of("source.dimension", String.valueOf(dim)), Map.of()).config();
        String collection = args[1];
        int rows = Integer.parseInt(args[2]);
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        int p = cfg.collection().partitions();
        int batch = cfg.build().batchRows();
        CollectionSpec spec = CollectionSpec.from(collection, cfg);
        List<List<Item>> parts = items(rows, dim, p);
        Method rowLoop = (milvus, c, part, items) -> {
            List<JsonObject> data = new ArrayList<>(items.size());
            for (Item it : items) {
                JsonObject o = new JsonObject();
                o.addProperty(spec.idField(), it.id());
                JsonArray arr = new JsonArray(it.vector().length);
                for (float f : it.vector()) {
                    arr.add(f);
                }
                o.add(spec.vectorField(), arr);
                o.addProperty("category", it.category());
                o.addProperty("brand", it.brand());
                data.add(o);
            }
            milvus.insert(c, Partitions.name(part), data);
        };
        Method columnar = (milvus, c, part, items) -> {
            InsertColumns cols = new InsertColumns(spec);
            for (Item it : items) {
                cols.add(it.id(), it.vector(), new Object[] {it.category(), it.brand()});
            }
            milvus.insert(c, Partitions.name(part), cols);
        };
        double[][] sums = new double[2][3]; // [method][thread cpu s, process cpu s, wall s]
        try (MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            // warm-up: a tenth of the rows each, untimed, so both run JIT-compiled code
            run(milvus, spec, parts, batch, rowLoop, Math.max(1, rows / 10));
            run(milvus, spec, parts, batch, columnar, Math.max(1, rows / 10));
            for (int r = 0; r < rounds; r++) {
                add(sums[0], run(milvus, spec, parts, batch, rowLoop, rows));
                add(sums[1], run(milvus, spec, parts, batch, columnar, rows));
            }
            milvus.dropCollection(collection);
        }
        double million = rows * (double) rounds / 1e6;
        System.out.printf("{\"dim\":%d,\"rows\":%d,\"rounds\":%d,\"batch_rows\":%d,"
                        + "\"row_loop\":{\"thread_cpu_s_per_M\":%.2f,\"process_cpu_s_per_M\":%.2f,\"rows_per_s\":%.0f},"
                        + "\"columnar\":{\"thread_cpu_s_per_M\":%.2f,\"process_cpu_s_per_M\":%.2f,\"rows_per_s\":%.0f},"
                        + "\"ratio_thread\":%.3f,\"ratio_process\":%.3f}%n", dim, rows, rounds, batch,
                sums[0][0] / million, sums[0][1] / million, rows * rounds / sums[0][2],
                sums[1][0] / million, sums[1][1] / million, rows * rounds / sums[1][2],
                sums[1][0] / sums[0][0], sums[1][1] / sums[0][1]);
    }

    private static void add(double[] into, double[] x) {
        for (int i = 0; i < into.length; i++) {
            into[i] += x[i];
        }
    }

    /** Inserts the first {@code rows} rows (over all partitions) into a fresh collection; returns cpu and wall. */
    private static double[] run(MilvusGateway milvus, CollectionSpec spec, List<List<Item>> parts, int batch,
                                Method m, int rows) {
        if (milvus.hasCollection(spec.name())) {
            milvus.dropCollection(spec.name());
        }
        milvus.createCollection(spec);
        long perPart = rows / parts.size();
        long t0 = THREADS.getCurrentThreadCpuTime();
        long p0 = OS.getProcessCpuTime();
        long w0 = System.nanoTime();
        for (int i = 0; i < parts.size(); i++) {
            List<Item> part = parts.get(i).subList(0, (int) Math.min(perPart, parts.get(i).size()));
            for (int from = 0; from < part.size(); from += batch) {
                m.insert(milvus, spec.name(), i, part.subList(from, Math.min(part.size(), from + batch)));
            }
        }
        return new double[] {(THREADS.getCurrentThreadCpuTime() - t0) / 1e9, (OS.getProcessCpuTime() - p0) / 1e9,
                (System.nanoTime() - w0) / 1e9};
    }

    private static List<List<Item>> items(int rows, int dim, int p) {
        Random rnd = new Random(42);
        List<List<Item>> parts = new ArrayList<>();
        for (int i = 0; i < p; i++) {
            parts.add(new ArrayList<>());
        }
        for (long id = 1; id <= rows + p; id++) {
            float[] v = new float[dim];
            for (int d = 0; d < dim; d++) {
                v[d] = (float) rnd.nextGaussian();
            }
            parts.get(Partitions.indexOf(id, p)).add(new Item(id, v, id % 16, "brand-" + (id % 20)));
        }
        return parts;
    }
}
