package org.recallctl.benchmarks;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.recallctl.config.ConfigLoader;
import org.recallctl.config.RecallConfig;
import org.recallctl.milvus.CollectionSpec;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.milvus.Partitions;
import org.recallctl.source.KeyRange;
import org.recallctl.source.MysqlItemSource;
import org.recallctl.source.VectorCodec;

/**
 * Baseline for benchmarks/build-throughput.sh: the simplest SDK insert loop of the same rows into the same
 * server, single-threaded. Rows are read and decoded into memory first (not timed), then timed: build the gson
 * rows per partition batch of build.batch_rows, insert, and one flush. Prints one JSON line on stdout.
 * Usage: PlainInsertLoop CONFIG_FILE COLLECTION
 */
public final class PlainInsertLoop {
    private PlainInsertLoop() {
    }

    public static void main(String[] args) throws Exception {
        RecallConfig cfg = new ConfigLoader(System.getenv()).load(Path.of(args[0]), Map.of(), Map.of()).config();
        String collection = args[1];
        int p = cfg.collection().partitions();
        int batch = cfg.build().batchRows();
        VectorCodec codec = new VectorCodec(cfg.source().encoding(), cfg.source().dimension());
        List<List<Object[]>> byPartition = new ArrayList<>();
        for (int i = 0; i < p; i++) {
            byPartition.add(new ArrayList<>());
        }
        try (MysqlItemSource source = MysqlItemSource.open(cfg, 1)) {
            source.stream(new KeyRange(Long.MIN_VALUE, Long.MAX_VALUE), row -> {
                try {
                    byPartition.get(Partitions.indexOf(row.id(), p)).add(new Object[] {row.id(),
                            codec.decode(row.rawVector()), ((Number) row.scalars()[0]).longValue(), row.scalars()[1]});
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        long rows = byPartition.stream().mapToLong(List::size).sum();
        try (MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            if (milvus.hasCollection(collection)) {
                milvus.dropCollection(collection);
            }
            milvus.createCollection(CollectionSpec.from(collection, cfg));
            long convertNanos = 0;
            long t0 = System.nanoTime();
            for (int i = 0; i < p; i++) {
                List<Object[]> part = byPartition.get(i);
                for (int from = 0; from < part.size(); from += batch) {
                    long c0 = System.nanoTime();
                    List<JsonObject> data = new ArrayList<>(batch);
                    for (Object[] r : part.subList(from, Math.min(part.size(), from + batch))) {
                        JsonObject o = new JsonObject();
                        o.addProperty(cfg.collection().idField(), (Long) r[0]);
                        float[] v = (float[]) r[1];
                        JsonArray arr = new JsonArray(v.length);
                        for (float f : v) {
                            arr.add(f);
                        }
                        o.add(cfg.collection().vectorField(), arr);
                        o.addProperty("category", (Long) r[2]);
                        o.addProperty("brand", (String) r[3]);
                        data.add(o);
                    }
                    convertNanos += System.nanoTime() - c0;
                    milvus.insert(collection, Partitions.name(i), data);
                }
            }
            long t1 = System.nanoTime();
            milvus.flush(collection, 600_000);
            long t2 = System.nanoTime();
            double insert = (t1 - t0) / 1e9;
            double flush = (t2 - t1) / 1e9;
            System.out.printf("{\"rows\":%d,\"insert_s\":%.3f,\"convert_s\":%.3f,\"flush_s\":%.3f,"
                    + "\"rows_per_s\":%.0f,\"count\":%d}%n", rows, insert, convertNanos / 1e9, flush,
                    rows / (insert + flush), milvus.rowCount(collection));
            milvus.dropCollection(collection);
        }
    }
}
