package org.recallctl.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.service.partition.request.DropPartitionReq;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.DependencyException;
import org.recallctl.error.RecallctlException;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.output.Json;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.session.Connections;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.ServerProcess;
import org.recallctl.testing.TestStack;

/** Resolution errors, failing partitions and deadlines, each produced for real on the stack or a private server. */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchFaultIT {
    private final TestStack stack = TestStack.get();
    private final String name = TestStack.unique("sfault");
    private final String collection = name + "_a";
    private CollectionFixture.Seeded seeded;
    @TempDir
    Path dir;

    @BeforeAll
    void buildCollection() {
        seeded = CollectionFixture.build(stack.config(name), collection, 300, "FLAT", Map.of());
    }

    @AfterAll
    void cleanup() {
        RecallConfig cfg = stack.config(name);
        try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus()); RedisPointerStore p = RedisPointerStore.connect(cfg)) {
            m.dropCollection(collection);
            p.deleteAll();
        } catch (RuntimeException e) {
            System.err.println("cleanup failed: " + e.getMessage());
        }
    }

    private CliRun search(Map<String, String> overrides, String... args) {
        Path cfg = stack.writeConfigFile(dir, name, overrides);
        List<String> all = new ArrayList<>(List.of("search", "--config", cfg.toString()));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    private void pointKey1(String target) {
        try (RedisPointerStore p = RedisPointerStore.connect(stack.config(name))) {
            if (target == null) {
                p.deleteAll();
            } else {
                p.forceCurrent(target);
            }
        }
    }

    private String vectorOf(long id) {
        return BruteForce.json(seeded.vectors().get(id));
    }

    private long anyId() {
        return seeded.vectors().keySet().iterator().next();
    }

    @Test
    void unsetPointerIsExit4NamingTheKey() {
        pointKey1(null);
        CliRun run = search(Map.of(), "--vector", vectorOf(anyId()));
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
        assertThat(run.err()).contains("key1 it:{" + name + "}:current is not set").contains("--collection NAME");
    }

    @Test
    void pointerNamingAMissingCollectionIsExit4() {
        pointKey1(name + "_gone");
        CliRun run = search(Map.of(), "--vector", vectorOf(anyId()));
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
        assertThat(run.err()).contains("key1 it:{" + name + "}:current names collection " + name
                + "_gone, which does not exist");
        pointKey1(collection);
    }

    @Test
    void explicitCollectionBypassesTheMissingPointer() throws Exception {
        pointKey1(null);
        long id = anyId();
        CliRun run = search(Map.of(), "--collection", collection, "--item-id", Long.toString(id), "--json");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode r = Json.mapper().readTree(run.out());
        assertThat(r.path("resolved_via").asText()).isEqualTo("--collection");
        assertThat(r.path("queries").get(0).path("hits").get(0).path("item_id").asLong()).isEqualTo(id);
        assertThat(search(Map.of(), "--collection", name + "_nope", "--item-id", "1").exitCode()).isEqualTo(2);
    }

    @Test
    void wrongDimensionNamesTheQueryAndTheCollection() {
        pointKey1(collection);
        CliRun run = search(Map.of(), "--vector", "[0.1, 0.2, 0.3]");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("--vector: wrong dimension 3 (collection " + collection + " has dimension 128)");
    }

    @Test
    void unknownItemIsAUsageError() {
        pointKey1(collection);
        CliRun run = search(Map.of(), "--item-id", "987654321");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("--item-id 987654321: no such item in source table " + name);
    }

    @Test
    void redisDownFallsBackToTheMilvusAliasWithAWarning() throws Exception {
        String alias = name + "_serving";
        try (MilvusGateway m = MilvusGateway.forWrites(stack.config(name).milvus())) {
            m.pointAlias(alias, collection);
        }
        Map<String, String> o = Map.of("redis.url", "redis://127.0.0.1:" + ServerProcess.freePort(),
                "redis.timeout_ms", "500", "collection.alias", alias);
        CliRun run = search(o, "--random", "2", "--seed", "5", "--json");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).contains("warning: Redis unreachable").contains("using Milvus alias '" + alias + "' -> " + collection);
        assertThat(Json.mapper().readTree(run.out()).path("queries")).hasSize(2);
        // without an alias the same outage is exit 4
        CliRun noAlias = search(Map.of("redis.url", o.get("redis.url"), "redis.timeout_ms", "500"), "--random", "1");
        assertThat(noAlias.exitCode()).as(noAlias.toString()).isEqualTo(4);
        assertThat(noAlias.err()).contains("Redis unreachable").contains("no collection.alias to fall back on");
    }

    /**
     * The fault: partition p1 is dropped from the serving collection (an operator error or a half-finished
     * repair). milvus-lite has no ReleasePartitions and reports every collection Loaded even after a release,
     * so "released mid-query" cannot be produced here. Searching the dropped p1 errors on real Milvus but
     * returns an empty list on milvus-lite (seen here), which would pass for "p1 had 0 hits"; search therefore
     * checks the layout (P = highest p&lt;i&gt; + 1) and fails the gap itself, the same on both servers.
     * The mid-query failure of a partition call is the hung-server test below.
     */
    @Test
    void aDroppedPartitionFailsTheQueryOrGivesPartialResults() throws Exception {
        String broken = name + "_b";
        RecallConfig cfg = stack.config(name);
        var data = CollectionFixture.build(cfg, broken, 200, "FLAT", Map.of());
        MilvusClientV2 raw = new MilvusClientV2(ConnectConfig.builder().uri(cfg.milvus().writeUri()).build());
        try {
            try { // real Milvus drops only a released partition; milvus-lite lacks ReleasePartitions (and needs none)
                raw.releasePartitions(io.milvus.v2.service.partition.request.ReleasePartitionsReq.builder()
                        .collectionName(broken).partitionNames(java.util.List.of("p1")).build());
            } catch (RuntimeException unimplementedOnMilvusLite) {
                // fall through to the drop
            }
            raw.dropPartition(DropPartitionReq.builder().collectionName(broken).partitionName("p1").build());
        } finally {
            raw.close(5);
        }
        long id = data.vectors().keySet().stream().filter(i -> Math.floorMod(i, 4) == 2).findFirst().orElseThrow();
        String v = BruteForce.json(data.vectors().get(id));
        CliRun failed = search(Map.of(), "--collection", broken, "--vector", v);
        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(4);
        assertThat(failed.err()).contains("partition p1 failed (1 of 4)");

        CliRun partial = search(Map.of(), "--collection", broken, "--vector", v, "--allow-partial", "--json");
        assertThat(partial.exitCode()).as(partial.toString()).isZero();
        assertThat(partial.err()).contains("partial results: partition p1 missing");
        JsonNode r = Json.mapper().readTree(partial.out());
        assertThat(r.path("partial").asBoolean()).isTrue();
        assertThat(r.path("missing_partitions").has("p1")).isTrue();
        JsonNode hits = r.path("queries").get(0).path("hits");
        assertThat(hits.get(0).path("item_id").asLong()).isEqualTo(id);
        for (JsonNode h : hits) {
            assertThat(h.path("partition").asText()).isNotEqualTo("p1");
        }
        assertThat(r.path("queries").get(0).path("contribution").path("p1").asInt()).isZero();
        try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus())) {
            m.dropCollection(broken);
        }
    }

    /**
     * The fault: the server hangs (SIGSTOP on a private milvus-lite) while the shell-style session holds warm
     * connections. Every partition call then ends only by the deadline (search.timeout_ms), and the error names
     * the partitions; after the server resumes, the same warm connections answer again.
     */
    @Test
    void aHungServerFailsWithinTheDeadlineNamingThePartitions() {
        try (ServerProcess server = ServerProcess.milvusLite(stack)) {
            Map<String, String> o = new HashMap<>(Map.of("milvus.write_uri", "http://127.0.0.1:" + server.port(),
                    "search.timeout_ms", "1500", "milvus.max_retries", "0", "milvus.max_retry_ms", "1500"));
            String pname = TestStack.unique("shung");
            RecallConfig cfg = stack.load(pname, o).config();
            var data = CollectionFixture.build(cfg, pname + "_a", 200, "FLAT", Map.of());
            float[] q = data.vectors().values().iterator().next();
            var opts = new SearchRunner.Options(Optional.of(pname + "_a"), List.of(new Query("q", null, q)),
                    List.of(), 0, 0, FanOutSearcher.Mode.FANOUT, List.of(), 5, Map.of(), null, List.of(), false);
            try (Connections session = Connections.session()) {
                SearchRunner runner = new SearchRunner(cfg, session, w -> { });
                assertThat(runner.run(opts).queries().get(0).hits()).hasSize(5);
                server.suspend();
                try {
                    long t0 = System.nanoTime();
                    // through the runner, the collection check before the fan-out already meets the deadline
                    assertThatThrownBy(() -> runner.run(opts)).isInstanceOf(DependencyException.class)
                            .hasMessageContaining("Milvus unreachable");
                    assertThat((System.nanoTime() - t0) / 1e9).isLessThan(8.0);
                    // the fan-out path itself, on the same warm (hung) connection
                    var searcher = new FanOutSearcher(session.milvusReads(cfg, 1500), "vector", 4,
                            cfg.collection().metric(), 1500);
                    t0 = System.nanoTime();
                    var req = new SearchRequest(pname + "_a", List.of(q), 5, Map.of(), null, List.of(), List.of(), false);
                    assertThatThrownBy(() -> searcher.search(req, FanOutSearcher.Mode.FANOUT))
                            .isInstanceOf(DependencyException.class)
                            .hasMessageContaining("partitions p0, p1, p2, p3 failed (4 of 4)");
                    double secs = (System.nanoTime() - t0) / 1e9;
                    assertThat(secs).as("bounded by the 1.5 s deadline").isLessThan(4.0);
                    var partial = searcher.search(new SearchRequest(pname + "_a", List.of(q), 5, Map.of(), null,
                            List.of(), List.of(), true), FanOutSearcher.Mode.FANOUT);
                    assertThat(partial.failedPartitions()).containsOnlyKeys(0, 1, 2, 3);
                    assertThat(partial.hits().get(0)).isEmpty();
                } finally {
                    server.resume();
                }
                assertThat(runner.run(opts).queries().get(0).hits()).as("warm connection recovers").hasSize(5);
            }
        }
    }

    private record FanOutCase(FanOutSearcher searcher, SearchRequest request) {
    }

    /** A 200-item, 4-partition FLAT collection on a private milvus-lite, and a fan-out on it with a 30 s deadline. */
    private FanOutCase fanOutOnPrivateServer(ServerProcess server, Connections session, String prefix) {
        String name = TestStack.unique(prefix);
        RecallConfig cfg = stack.load(name, Map.of("milvus.write_uri", "http://127.0.0.1:" + server.port(),
                "search.timeout_ms", "30000")).config();
        float[] q = CollectionFixture.build(cfg, name + "_a", 200, "FLAT", Map.of()).vectors().values().iterator().next();
        var searcher = new FanOutSearcher(session.milvusReads(cfg, 30_000), "vector", 4, cfg.collection().metric(),
                30_000);
        return new FanOutCase(searcher, new SearchRequest(name + "_a", List.of(q), 5, Map.of(), null, List.of(),
                List.of(), false));
    }

    /**
     * The fault: the server is gone (killed; the port refuses connections) under warm connections. The fan-out's
     * calls do not wait for the server to come back (no waitForReady), so the query fails at once, naming the
     * partitions, instead of holding an operator's terminal until a long deadline.
     */
    @Test
    void aDeadServerFailsTheFanOutAtOnceNotAtTheDeadline() {
        try (ServerProcess server = ServerProcess.milvusLite(stack)) {
            try (Connections session = Connections.session()) {
                var fanOut = fanOutOnPrivateServer(server, session, "sdead");
                var searcher = fanOut.searcher();
                var req = fanOut.request();
                assertThat(searcher.search(req, FanOutSearcher.Mode.FANOUT).hits().get(0)).hasSize(5);
                server.stop();
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> searcher.search(req, FanOutSearcher.Mode.FANOUT))
                        .isInstanceOf(DependencyException.class)
                        .hasMessageContaining("partitions p0, p1, p2, p3 failed (4 of 4)")
                        .hasMessageContaining("Milvus unreachable");
                assertThat((System.nanoTime() - t0) / 1e9).as("not the 30 s deadline").isLessThan(5.0);
            }
        }
    }

    /** Ctrl-C in the shell interrupts the thread waiting on a hung fan-out: exit 130 at once, calls cancelled. */
    @Test
    void anInterruptEndsAHungFanOutWithExit130() throws Exception {
        try (ServerProcess server = ServerProcess.milvusLite(stack)) {
            try (Connections session = Connections.session()) {
                var fanOut = fanOutOnPrivateServer(server, session, "sint");
                var searcher = fanOut.searcher();
                var req = fanOut.request();
                server.suspend();
                try {
                    var outcome = new CompletableFuture<Throwable>();
                    Thread t = new Thread(() -> {
                        try {
                            searcher.search(req, FanOutSearcher.Mode.FANOUT);
                            outcome.complete(null);
                        } catch (Throwable e) {
                            outcome.complete(e);
                        }
                    });
                    t.start();
                    Thread.sleep(300); // let the calls go out and the caller wait
                    long t0 = System.nanoTime();
                    t.interrupt();
                    Throwable e = outcome.get(5, TimeUnit.SECONDS);
                    assertThat((System.nanoTime() - t0) / 1e9).isLessThan(2.0);
                    assertThat(e).isInstanceOf(RecallctlException.class)
                            .hasMessageContaining("interrupted while searching");
                    assertThat(((RecallctlException) e).exitCode()).isEqualTo(130);
                } finally {
                    server.resume();
                }
                assertThat(searcher.search(req, FanOutSearcher.Mode.FANOUT).hits().get(0))
                        .as("the cancelled calls leave the connection usable").hasSize(5);
            }
        }
    }
}
