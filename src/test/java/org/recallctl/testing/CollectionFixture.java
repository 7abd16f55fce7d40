package org.recallctl.testing;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recallctl.config.RecallConfig;
import org.recallctl.milvus.CollectionSpec;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.milvus.Partitions;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.source.BadVectorException;
import org.recallctl.source.DemoSeeder;
import org.recallctl.source.KeyRange;
import org.recallctl.source.MysqlItemSource;
import org.recallctl.source.VectorCodec;

/**
 * Test data in one call: seeds the config's source table with demo items, and (for search and bench tests that
 * should not depend on the build pipeline) copies them straight into a new indexed, loaded collection laid out
 * exactly as the build lays it out (partition = id mod P). Returns the vectors for brute-force checks.
 */
public final class CollectionFixture {
    private CollectionFixture() {
    }

    public record Seeded(Map<Long, float[]> vectors, Map<Long, Integer> categories, Map<Long, String> brands) {
    }

    /**
     * Best-effort cleanup of a test's pipeline: its alias (collection.alias, when set and present), every collection
     * whose name starts with {@code prefix}, and its Redis keys. A failure is printed, never thrown: cleanup must
     * not hide the test's own result.
     */
    public static void dropPipeline(RecallConfig cfg, String prefix) {
        try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus()); RedisPointerStore r = RedisPointerStore.connect(cfg)) {
            String alias = cfg.collection().alias();
            if (!alias.isEmpty() && m.aliasTarget(alias).isPresent()) {
                m.dropAlias(alias);
            }
            for (String c : m.listCollections()) {
                if (c.startsWith(prefix)) {
                    m.dropCollection(c);
                }
            }
            r.deleteAll();
        } catch (RuntimeException e) {
            System.err.println("cleanup of " + cfg.pipeline() + " failed: " + e.getMessage());
        }
    }

    public static void seedSource(RecallConfig cfg, long items, long seed) {
        try (MysqlItemSource source = MysqlItemSource.open(cfg, 1)) {
            new DemoSeeder(source, cfg).seed(new DemoSeeder.Plan(items, cfg.source().dimension(), seed, 16, 8, 20,
                    true), n -> { });
        }
    }

    /** Reads back every source row (decoded) with its category and brand. */
    public static Seeded readSource(RecallConfig cfg) {
        Map<Long, float[]> vectors = new LinkedHashMap<>();
        Map<Long, Integer> categories = new HashMap<>();
        Map<Long, String> brands = new HashMap<>();
        VectorCodec codec = new VectorCodec(cfg.source().encoding(), cfg.source().dimension());
        try (MysqlItemSource source = MysqlItemSource.open(cfg, 1)) {
            source.stream(new KeyRange(Long.MIN_VALUE, Long.MAX_VALUE), row -> {
                try {
                    vectors.put(row.id(), codec.decode(row.rawVector()));
                    categories.put(row.id(), ((Number) row.scalars()[0]).intValue());
                    brands.put(row.id(), String.valueOf(row.scalars()[1]));
                } catch (BadVectorException e) {
                    throw new IllegalStateException("fixture row " + row.id() + ": " + e.getMessage());
                }
            });
        }
        return new Seeded(vectors, categories, brands);
    }

    /**
     * Seeds {@code items} rows, creates {@code collection} with the config's partitions, inserts, flushes,
     * builds the given index and loads it.
     */
    public static Seeded build(RecallConfig cfg, String collection, long items, String indexType,
                               Map<String, String> indexParams) {
        seedSource(cfg, items, 7);
        Seeded seeded = readSource(cfg);
        try (MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            if (milvus.hasCollection(collection)) {
                milvus.dropCollection(collection);
            }
            milvus.createCollection(CollectionSpec.from(collection, cfg));
            insertRows(cfg, milvus, collection, seeded);
            milvus.flush(collection, 60_000);
            milvus.createIndex(collection, cfg.collection().vectorField(), indexType, cfg.collection().metric().name(),
                    indexParams, 300_000, info -> { });
            milvus.load(collection, 300_000, info -> { });
        }
        return seeded;
    }

    /** Inserts the source's rows (as {@link #seedSource} left them) into an existing collection, unflushed. */
    public static Seeded insertSource(RecallConfig cfg, MilvusGateway milvus, String collection) {
        Seeded seeded = readSource(cfg);
        insertRows(cfg, milvus, collection, seeded);
        return seeded;
    }

    private static void insertRows(RecallConfig cfg, MilvusGateway milvus, String collection, Seeded seeded) {
        int p = cfg.collection().partitions();
        List<List<JsonObject>> batches = new ArrayList<>();
        for (int i = 0; i < p; i++) {
            batches.add(new ArrayList<>());
        }
        seeded.vectors().forEach((id, v) -> {
            JsonObject row = new JsonObject();
            row.addProperty(cfg.collection().idField(), id);
            JsonArray arr = new JsonArray(v.length);
            for (float f : v) {
                arr.add(f);
            }
            row.add(cfg.collection().vectorField(), arr);
            row.addProperty("category", seeded.categories().get(id));
            // the source's own values: the recall gate's spot-check compares every field with the source
            row.addProperty("brand", seeded.brands().get(id));
            batches.get(Partitions.indexOf(id, p)).add(row);
        });
        for (int i = 0; i < p; i++) {
            List<JsonObject> rows = batches.get(i);
            for (int from = 0; from < rows.size(); from += 1000) {
                milvus.insert(collection, Partitions.name(i), rows.subList(from, Math.min(rows.size(), from + 1000)));
            }
        }
    }
}
