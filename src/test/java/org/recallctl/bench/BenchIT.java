package org.recallctl.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.RecallConfig;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.output.Json;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.source.MysqlItemSource;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.LaunchedCli;
import org.recallctl.testing.TestStack;

@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BenchIT {
    private final TestStack stack = TestStack.get();
    private String name;
    private String ivf;
    private RecallConfig cfg;
    private Path config;
    @TempDir
    Path dir;

    @BeforeAll
    void seed(@TempDir Path confDir) {
        name = TestStack.unique("bench");
        ivf = name + "_ivf";
        // 2 partitions of 1500 rows: real Milvus builds no IVF index on a segment under 1024 rows
        // (minSegmentNumRowsToEnableIndex) and would search it exactly, making nprobe irrelevant
        Map<String, String> layout = Map.of("index.params.nlist", "32", "collection.partitions", "2");
        cfg = stack.load(name, layout).config();
        CollectionFixture.build(cfg, ivf, 3000, "IVF_FLAT", Map.of("nlist", "32"));
        config = stack.writeConfigFile(confDir, name, layout);
    }

    @AfterAll
    void drop() {
        try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus())) {
            for (String c : List.of(ivf, name + "_flat")) {
                if (m.hasCollection(c)) {
                    m.dropCollection(c);
                }
            }
        }
        try (RedisPointerStore p = RedisPointerStore.connect(cfg)) {
            p.deleteAll();
        }
    }

    private CliRun bench(String... args) {
        List<String> all = new ArrayList<>(List.of("bench", "--json", "-q", "--config", config.toString(),
                "--cache-dir", dir.resolve("cache").toString(), "--warmup", "3"));
        if (!List.of(args).contains("--out")) {
            all.addAll(List.of("--out", dir.resolve("run-" + System.nanoTime()).toString())); // never litter the cwd
        }
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    private static JsonNode json(CliRun r) throws Exception {
        assertThat(r.exitCode()).as(r.err()).isZero();
        return Json.mapper().readTree(r.out());
    }

    @Test
    void recallRisesWithNprobeAndIsExactAtNprobeEqualsNlist() throws Exception {
        Path csv = dir.resolve("ivf.csv");
        JsonNode out = json(bench("--collection", ivf, "--queries", "40", "--topk", "10",
                "--param", "nprobe=1,2,4,8,16,32", "--concurrency", "1,3", "--out", dir.resolve("ivf").toString(),
                "--csv", csv.toString(), "--target-recall", "0.9"));
        JsonNode rows = out.get("results");
        assertThat(rows).hasSize(12);
        for (int c : new int[] {1, 3}) {
            double prev = -1;
            for (JsonNode r : rows) {
                if (r.get("concurrency").asInt() != c) {
                    continue;
                }
                double recall = r.at("/mean_recall").asDouble();
                assertThat(recall).as("nprobe %s c=%d", r.get("value"), c).isGreaterThanOrEqualTo(prev);
                prev = recall;
                assertThat(r.at("/queries").asLong()).isEqualTo(40);
                assertThat(r.at("/errors").asLong()).isZero();
                assertThat(r.at("/p99_ms").asDouble()).isGreaterThanOrEqualTo(r.at("/p50_ms").asDouble());
                if (r.get("value").asInt() == 32) {
                    assertThat(recall).isEqualTo(1.0);
                }
            }
        }
        assertThat(rows.get(0).at("/mean_recall").asDouble()).isLessThan(1.0); // nprobe=1 really is approximate
        assertThat(out.at("/ground_truth/items").asLong()).isEqualTo(3000);
        assertThat(out.get("recommendations").get(0).get("config").asText()).startsWith("search.params.nprobe: ");
        Path chart = Path.of(out.get("chart").asText());
        assertThat(Files.size(chart)).isGreaterThan(10_000);
        assertThat(Files.readAllLines(csv)).hasSize(13);
        // QPS at recall >= 0.90 / 0.95 / 0.99 per concurrency: the cheapest setting reaching each
        JsonNode summary = out.get("summary");
        assertThat(summary).hasSize(6);
        for (JsonNode cell : summary) {
            double target = cell.get("recall_target").asDouble();
            assertThat(cell.get("reached").asBoolean()).as(cell.toString()).isTrue(); // nprobe=32 is exact
            assertThat(cell.get("mean_recall").asDouble()).isGreaterThanOrEqualTo(target);
            double cheapest = 0;
            for (JsonNode r : rows) {
                if (r.get("concurrency").asInt() == cell.get("concurrency").asInt()
                        && r.get("mean_recall").asDouble() >= target) {
                    cheapest = Math.max(cheapest, r.get("qps").asDouble());
                }
            }
            assertThat(cell.get("qps").asDouble()).isEqualTo(cheapest);
        }
        assertThat(dir.resolve("ivf/queries.json")).exists();
        assertThat(dir.resolve("ivf/results.json")).exists();
    }

    /**
     * The index was built with nlist=32; the config now says 1024. milvus-lite does not report build params, so
     * the report must say nlist=? / not reported; the full engine reports them, so it must say 32. Never 1024.
     */
    @Test
    void buildParamsTheServerDoesNotReportAreNeverShownAsMeasured() throws Exception {
        String[] args = {"--collection", ivf, "--queries", "10", "--topk", "10", "--param", "nprobe=4",
                "--set", "index.params.nlist=1024"};
        JsonNode out = json(bench(args));
        String expected = stack.isFullEngine() ? "IVF_FLAT nlist=32" : "IVF_FLAT nlist=?";
        assertThat(out.get("index_params_reported").asBoolean()).isEqualTo(stack.isFullEngine());
        assertThat(out.at("/configured_index_params/nlist").asText()).isEqualTo("1024");
        for (JsonNode r : out.get("results")) {
            assertThat(r.get("index").asText()).isEqualTo(expected);
            assertThat(r.get("nlist").isNull()).isEqualTo(!stack.isFullEngine());
        }
        List<String> human = new ArrayList<>(List.of("bench", "-q", "--config", config.toString(), "--cache-dir",
                dir.resolve("cache").toString(), "--warmup", "1", "--out", dir.resolve("human").toString()));
        human.addAll(List.of(args));
        CliRun r = Cli.run(human.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
        // 1024 appears only as "configured", never as the label of a measured index
        assertThat(r.out()).contains(expected).doesNotContain("IVF_FLAT nlist=1024").contains("QPS@RECALL>=0.90");
        if (!stack.isFullEngine()) {
            assertThat(r.out()).contains("build params not reported by the server").contains("nlist: current ?");
        }
    }

    @Test
    void nqSendsSeveralVectorsPerRequestAndScoresEachOne() throws Exception {
        JsonNode out = json(bench("--collection", ivf, "--queries", "12", "--topk", "10", "--param", "nprobe=32",
                "--nq", "5"));
        JsonNode row = out.get("results").get(0);
        assertThat(row.get("nq").asInt()).isEqualTo(5);
        assertThat(row.get("queries").asLong()).isEqualTo(12);   // 5 + 5 + 2 vectors, each scored
        assertThat(row.get("mean_recall").asDouble()).isEqualTo(1.0);
        CliRun bad = bench("--collection", ivf, "--nq", "0");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--nq 0");
    }

    @Test
    void flatIndexHasRecallOneEverywhereInBothModes() throws Exception {
        String flat = name + "_flat";
        RecallConfig fc = stack.load(name + "x", Map.of("source.table", name + "_fsrc")).config();
        CollectionFixture.build(fc, flat, 800, "FLAT", Map.of());
        Path conf = stack.writeConfigFile(dir, name + "_f", Map.of("source.table", name + "_fsrc",
                "collection.base_name", name));
        for (String mode : List.of("fanout", "single")) {
            CliRun r = Cli.run("bench", "--json", "-q", "--config", conf.toString(), "--collection", flat, "--mode", mode,
                    "--queries", "25", "--noise", "0.05", "--topk", "1,10,50", "--concurrency", "1,2", "--warmup", "2",
                    "--cache-dir", dir.resolve("cache").toString(), "--out", dir.resolve("flat-" + mode).toString());
            JsonNode out = json(r);
            assertThat(out.get("results")).hasSize(6);
            for (JsonNode row : out.get("results")) {
                assertThat(row.at("/mean_recall").asDouble()).as(row.toString()).isEqualTo(1.0);
                assertThat(row.at("/worst1pct_recall").asDouble()).isEqualTo(1.0);
            }
        }
        try (MysqlItemSource s = MysqlItemSource.open(fc, 1); Connection c = s.connection(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + s.table());
        }
    }

    @Test
    void groundTruthCacheIsReusedAndInvalidatedByAChangedRow() throws Exception {
        String[] args = {"--collection", ivf, "--queries", "10", "--topk", "10", "--param", "nprobe=32",
                "--out", dir.resolve("cache-run").toString()};
        JsonNode first = json(bench(args));
        assertThat(first.at("/ground_truth/cached").asBoolean()).isFalse();
        JsonNode second = json(bench(args));
        assertThat(second.at("/ground_truth/cached").asBoolean()).isTrue();
        assertThat(second.at("/ground_truth/cache_file").asText()).isEqualTo(first.at("/ground_truth/cache_file").asText());
        // change one source vector (copy another row's vector into it)
        String id = cfg.source().idColumn();
        String vec = cfg.source().vectorColumn();
        try (MysqlItemSource s = MysqlItemSource.open(cfg, 2)) {
            long[] b = s.idBounds().orElseThrow();
            try (Connection c = s.connection(); Statement st = c.createStatement()) {
            int n = st.executeUpdate("UPDATE " + s.table() + " SET " + vec + " = (SELECT v FROM (SELECT " + vec
                    + " AS v FROM " + s.table() + " WHERE " + id + " = " + b[0] + ") x) WHERE " + id + " = " + b[1]);
            assertThat(n).isEqualTo(1);
            }
        }
        JsonNode third = json(bench(args));
        assertThat(third.at("/ground_truth/cached").asBoolean()).isFalse();
        assertThat(third.at("/ground_truth/checksum").asText()).isNotEqualTo(first.at("/ground_truth/checksum").asText());
    }

    /** The sweep ends on nlist=16, not the original 32: a missing restore would leave 16 behind. */
    private JsonNode sweepEndingOnAnotherNlist() throws Exception {
        return json(bench("--collection", ivf, "--queries", "15", "--topk", "10", "--nlist", "8,16",
                "--param", "nprobe=1,8,16", "--out", dir.resolve("nlist-" + System.nanoTime()).toString()));
    }

    @Test
    @Tag("full-engine") // runs on milvus-lite and, in bin/test's second phase, on the real engine
    void nlistSweepRebuildsPerValueAndRestoresTheOriginalIndex() throws Exception {
        JsonNode out = sweepEndingOnAnotherNlist();
        JsonNode rows = out.get("results");
        // nlist=8: nprobe 1,8 (16 > nlist skipped); nlist=16: 1,8,16
        assertThat(rows).hasSize(5);
        assertThat(rows.get(0).get("index").asText()).isEqualTo("IVF_FLAT nlist=8");
        assertThat(rows.get(0).get("build_seconds").asDouble()).isPositive();
        assertThat(rows.get(4).get("index").asText()).isEqualTo("IVF_FLAT nlist=16");
        assertThat(rows.get(4).get("value").asInt()).isEqualTo(16);
        assertThat(rows.get(4).at("/mean_recall").asDouble()).isEqualTo(1.0); // nprobe = nlist = 16
        try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus())) {
            var idx = m.index(ivf, cfg.collection().vectorField());
            assertThat(idx.type()).isEqualTo("IVF_FLAT");
            assertThat(idx.exists()).isTrue();
            assertThat(m.loadState(ivf).loaded()).isTrue();
        }
    }

    /**
     * Issue 10 §9: on the real engine, which reports index parameters, the sweep that ended on nlist=16 must
     * leave nlist=32 (the original) behind. Fails when the restore is skipped.
     */
    @Test
    @Tag("full-engine")
    void nlistSweepLeavesTheOriginalNlistOnTheRealEngine() throws Exception {
        Assumptions.assumeTrue(TestStack.get().isFullEngine(), "needs the full engine: bin/test --milvus full");
        sweepEndingOnAnotherNlist();
        try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus())) {
            var idx = m.index(ivf, cfg.collection().vectorField());
            assertThat(idx.type()).isEqualTo("IVF_FLAT");
            assertThat(idx.params()).containsEntry("nlist", "32");
            assertThat(m.loadState(ivf).loaded()).isTrue();
        }
    }

    @Test
    void clearErrorsForBadSweeps() {
        CliRun ef = bench("--collection", ivf, "--param", "ef=64", "--queries", "5");
        assertThat(ef.exitCode()).as(ef.out().substring(0, Math.min(400, ef.out().length())) + ef.err()).isEqualTo(2);
        assertThat(ef.err()).contains("ef").contains("nprobe");
        CliRun big = bench("--collection", ivf, "--param", "nprobe=64", "--queries", "5");
        assertThat(big.exitCode()).isEqualTo(2);
        assertThat(big.err()).contains("nprobe=64").contains("nlist 32");
        CliRun k = bench("--collection", ivf, "--topk", "20000", "--queries", "5");
        assertThat(k.exitCode()).isEqualTo(2);
        assertThat(k.err()).contains("16384");
        try (RedisPointerStore p = RedisPointerStore.connect(cfg)) {
            p.forceCurrent(ivf);
        }
        CliRun serving = bench("--nlist", "8", "--queries", "5");
        assertThat(serving.exitCode()).isEqualTo(2);
        assertThat(serving.err()).contains("serving").contains("--allow-serving");
        try (RedisPointerStore p = RedisPointerStore.connect(cfg)) {
            p.deleteAll();
        }
        CliRun missing = bench("--queries", "5");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--collection");
    }

    /**
     * A setting where every query fails must not come out as a row with recall 0 and p99 0 ms: exit 4 naming
     * the setting and the server's error. The bench process is paused (SIGSTOP) once its query set is saved,
     * its collection released meanwhile (a real server refusing every search: collection not loaded), then
     * resumed. Fails when an all-failed measurement is reported as a result (exit 0).
     */
    @Test
    void aSettingWhereEveryQueryFailsIsExitFourNotARow() throws Exception {
        String flat = name + "_released";
        CollectionFixture.build(cfg, flat, 300, "FLAT", Map.of());
        try (LaunchedCli run = LaunchedCli.start(dir, "bench", "--config", config.toString(), "--collection", flat,
                "--cache-dir", dir.resolve("cache-released").toString(), "--out", dir.resolve("released").toString(),
                "--queries", "10", "--warmup", "0")) {
            assertThat(run.awaitStderr("query set (", 120)).as(run.stderr()).isTrue();
            run.pause();
            try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus())) {
                m.release(flat);
            }
            run.resume();
            assertThat(run.waitFor(120)).as(run.stderr()).isEqualTo(4);
            assertThat(run.stderr()).contains("every query of").containsPattern("failed \\(\\d+ errors, last: ")
                    .contains("nothing was measured");
        } finally {
            try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus())) {
                m.dropCollection(flat);
            }
        }
    }

    /**
     * Ctrl-C while an nlist sweep measures with a rebuilt index: the shutdown hook puts the original index back
     * and reloads the collection before the JVM exits (exit 130). A real process and a real SIGINT, since only
     * those run the hook.
     */
    @Test
    @Tag("full-engine") // runs on milvus-lite and, in bin/test's second phase, on the real engine
    void ctrlCDuringAnNlistSweepPutsTheOriginalIndexBack() throws Exception {
        interruptSweep();
        try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus())) {
            assertThat(m.index(ivf, cfg.collection().vectorField()).type()).isEqualTo("IVF_FLAT");
            assertThat(m.loadState(ivf).loaded()).as("reloaded after the restore").isTrue();
        }
    }

    /**
     * Issue 10 §9: the same on the real engine, where index parameters and load state are real: after the
     * Ctrl-C the index is nlist=32 again (it was 8 when interrupted) and the collection is loaded and answers.
     * Fails when the hook does not restore (milvus-lite cannot show it: it reports no nlist, always Loaded).
     */
    @Test
    @Tag("full-engine")
    void ctrlCDuringAnNlistSweepRestoresTheOriginalNlistOnTheRealEngine() throws Exception {
        Assumptions.assumeTrue(TestStack.get().isFullEngine(), "needs the full engine: bin/test --milvus full");
        interruptSweep();
        try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus())) {
            var idx = m.index(ivf, cfg.collection().vectorField());
            assertThat(idx.type()).isEqualTo("IVF_FLAT");
            assertThat(idx.params()).containsEntry("nlist", "32");
            assertThat(m.loadState(ivf).loaded()).isTrue();
        }
        JsonNode after = json(bench("--collection", ivf, "--queries", "5", "--topk", "10", "--param", "nprobe=32"));
        assertThat(after.get("results").get(0).at("/mean_recall").asDouble()).isEqualTo(1.0);
    }

    private void interruptSweep() throws Exception {
        try (LaunchedCli run = LaunchedCli.start(dir, "bench", "--config", config.toString(), "--collection", ivf,
                "--cache-dir", dir.resolve("cache").toString(), "--out", dir.resolve("sigint-" + System.nanoTime()).toString(),
                "--queries", "15", "--warmup", "3", "--nlist", "8,16", "--param", "nprobe=1",
                "--duration", "600")) {
            assertThat(run.awaitStderr("index of " + ivf + ": IVF_FLAT {nlist=8", 120)).as(run.stderr()).isTrue();
            Thread.sleep(3_000); // past the rebuild, into the 600 s measurement with nlist=8
            assertThat(run.isAlive()).as(run.stderr()).isTrue();
            run.interrupt();
            assertThat(run.waitFor(120)).as(run.stderr()).isEqualTo(130);
            assertThat(run.stderr()).contains("restored the original index of " + ivf + ": IVF_FLAT");
        }
    }
}
