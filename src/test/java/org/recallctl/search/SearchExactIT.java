package org.recallctl.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.recallctl.config.RecallConfig;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.output.Json;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.TestStack;

/**
 * DESIGN §8 against the real stack: fan-out and single mode agree, and both equal the exact TopK computed here by
 * brute force over the source rows (metric IP), for several partition layouts, for IVF with nprobe = nlist,
 * and within a scalar filter. The collection is reached through key1, as in production.
 */
@Tag("integration")
class SearchExactIT {
    private static final int ITEMS = 600;
    private static final int K = 10;
    private final TestStack stack = TestStack.get();
    @TempDir
    Path dir;

    private record Setup(String name, Path config, CollectionFixture.Seeded seeded, List<float[]> queries, Path queryFile) {
    }

    private Setup setup(int partitions, String indexType, Map<String, String> indexParams) throws IOException {
        String name = TestStack.unique("srch");
        Map<String, String> overrides = Map.of("collection.partitions", Integer.toString(partitions));
        RecallConfig cfg = stack.load(name, overrides).config();
        String collection = name + "_a";
        var seeded = CollectionFixture.build(cfg, collection, ITEMS, indexType, indexParams);
        try (RedisPointerStore pointers = RedisPointerStore.connect(cfg)) {
            pointers.forceCurrent(collection);
        }
        Random rnd = new Random(partitions * 31L + indexType.hashCode());
        List<float[]> queries = new ArrayList<>();
        List<Long> ids = new ArrayList<>(seeded.vectors().keySet());
        queries.add(seeded.vectors().get(ids.get(rnd.nextInt(ids.size())))); // an item itself
        for (int i = 0; i < 4; i++) {
            queries.add(BruteForce.randomUnit(rnd, cfg.source().dimension()));
        }
        StringBuilder file = new StringBuilder("# queries for " + name + "\n");
        queries.forEach(q -> file.append(BruteForce.json(q)).append('\n'));
        Path qf = dir.resolve(name + ".vectors");
        Files.writeString(qf, file.toString());
        return new Setup(name, stack.writeConfigFile(dir, name, overrides), seeded, queries, qf);
    }

    private JsonNode search(Setup s, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("search", "--config", s.config().toString(), "--vector-file",
                s.queryFile().toString(), "--topk", Integer.toString(K), "--json"));
        args.addAll(List.of(extra));
        CliRun run = Cli.run(args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return Json.mapper().readTree(run.out());
    }

    private static void assertExact(JsonNode result, Setup s, LongPredicate keep) {
        assertThat(result.path("queries")).hasSize(s.queries().size());
        for (int q = 0; q < s.queries().size(); q++) {
            var expected = BruteForce.topK(s.seeded().vectors(), s.queries().get(q), K, keep);
            JsonNode hits = result.path("queries").get(q).path("hits");
            assertThat(hits).as("query %d", q).hasSize(expected.size());
            for (int r = 0; r < expected.size(); r++) {
                assertThat(hits.get(r).path("item_id").asLong()).as("query %d rank %d", q, r + 1)
                        .isEqualTo(expected.get(r).id());
                assertThat(hits.get(r).path("score").asDouble()).isCloseTo(expected.get(r).score(), within(1e-4));
                assertThat(hits.get(r).path("rank").asInt()).isEqualTo(r + 1);
            }
        }
    }

    @ParameterizedTest(name = "P = {0}")
    @ValueSource(ints = {1, 4, 16})
    void flatIndexFanOutAndSingleBothEqualBruteForce(int partitions) throws IOException {
        Setup s = setup(partitions, "FLAT", Map.of());
        JsonNode fan = search(s, "--mode", "fanout");
        JsonNode single = search(s, "--mode", "single");
        assertThat(fan.path("collection").asText()).isEqualTo(s.name() + "_a");
        assertThat(fan.path("resolved_via").asText()).startsWith("key1 it:{" + s.name() + "}:current");
        assertThat(fan.path("partitions")).hasSize(partitions);
        assertThat(fan.path("timings_ms").path("partitions")).hasSize(partitions);
        assertExact(fan, s, id -> true);
        assertExact(single, s, id -> true);
        for (int q = 0; q < s.queries().size(); q++) {
            JsonNode a = fan.path("queries").get(q);
            JsonNode b = single.path("queries").get(q);
            for (int r = 0; r < K; r++) {
                assertThat(a.path("hits").get(r).path("item_id")).isEqualTo(b.path("hits").get(r).path("item_id"));
                assertThat(a.path("hits").get(r).path("partition").asText())
                        .isEqualTo("p" + Math.floorMod(a.path("hits").get(r).path("item_id").asLong(), partitions));
            }
            int sum = 0;
            for (JsonNode n : a.path("contribution")) {
                sum += n.asInt();
            }
            assertThat(sum).as("contributions add up to K").isEqualTo(K);
        }
        drop(s);
    }

    @Test
    void ivfWithNprobeEqualToNlistIsExact() throws IOException {
        Setup s = setup(4, "IVF_FLAT", Map.of("nlist", "16"));
        assertExact(search(s, "--param", "nprobe=16"), s, id -> true);
        assertExact(search(s, "--param", "nprobe=16", "--mode", "single"), s, id -> true);
        drop(s);
    }

    @Test
    void filterReturnsOnlyThatCategoryAndIsExactWithinIt() throws IOException {
        Setup s = setup(4, "FLAT", Map.of());
        JsonNode r = search(s, "--filter", "category == 3", "--output-fields", "category,brand");
        for (JsonNode q : r.path("queries")) {
            assertThat(q.path("hits")).isNotEmpty();
            for (JsonNode h : q.path("hits")) {
                assertThat(h.path("fields").path("category").asInt()).isEqualTo(3);
                assertThat(h.path("fields").path("brand").asText()).startsWith("brand-");
            }
        }
        assertExact(r, s, id -> s.seeded().categories().get(id) == 3);
        drop(s);
    }

    /** Issue 10 §6: a partition named twice is searched once; every hit appears once, in both modes. */
    @Test
    void aRepeatedPartitionIsSearchedOnceAndNoHitIsDuplicated() throws IOException {
        Setup s = setup(4, "FLAT", Map.of());
        for (String mode : List.of("fanout", "single")) {
            JsonNode r = search(s, "--partitions", "1,1,3,1", "--mode", mode);
            assertThat(r.path("partitions")).as(mode).hasSize(2);
            for (JsonNode q : r.path("queries")) {
                List<Long> ids = new ArrayList<>();
                q.path("hits").forEach(h -> ids.add(h.path("item_id").asLong()));
                assertThat(ids).as(mode).doesNotHaveDuplicates();
            }
            assertExact(r, s, id -> Math.floorMod(id, 4) == 1 || Math.floorMod(id, 4) == 3);
        }
        drop(s);
    }

    /** Best-effort cleanup: a busy shared server must not turn a passed test into a failure. */
    private void drop(Setup s) {
        RecallConfig cfg = stack.config(s.name());
        try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus());
             RedisPointerStore p = RedisPointerStore.connect(cfg)) {
            m.dropCollection(s.name() + "_a");
            p.deleteAll();
        } catch (RuntimeException e) {
            System.err.println("cleanup of " + s.name() + " failed: " + e.getMessage());
        }
    }
}
