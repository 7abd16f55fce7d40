package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.CheckRefusedException;
import org.recallctl.error.DependencyException;
import org.recallctl.error.ExitCodes;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.milvus.Partitions;
import org.recallctl.output.Json;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.source.MysqlItemSource;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.ServerProcess;
import org.recallctl.testing.TcpProxy;
import org.recallctl.testing.TestStack;

@Tag("integration")
class BuildStepIT {
    private final TestStack stack = TestStack.get();

    @Test
    void buildCommandWritesEveryRowIntoItsPartitionAndReportsJson(@TempDir Path dir) throws Exception {
        String name = TestStack.unique("build");
        RecallConfig cfg = stack.config(name);
        CollectionFixture.seedSource(cfg, 3000, 11);
        Path config = stack.writeConfigFile(dir, name, Map.of());
        String target = name + "_x";

        CliRun run = Cli.withConfig(config, "build", "--collection", target, "--partitions", "4", "--readers", "3",
                "--writers", "2", "--batch-rows", "250", "--json");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode doc = Json.mapper().readTree(run.out());
        JsonNode build = doc.get("build");
        assertThat(build.get("written").asLong()).isEqualTo(3000);
        assertThat(build.get("rejected").asLong()).isZero();
        assertThat(build.get("index").get("state").asText()).isEqualTo("Finished");
        assertThat(build.get("phase_seconds").fieldNames()).toIterable()
                .contains("read", "decode", "insert", "flush", "index");
        assertThat(doc.get("rows_per_second").asLong()).isPositive();
        Map<Integer, Long> source;
        try (MysqlItemSource s = MysqlItemSource.open(cfg, 1)) {
            source = s.countByPartition(4);
        }
        try (MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            for (int p = 0; p < 4; p++) {
                assertThat(build.get("written_by_partition").get(Integer.toString(p)).asLong()).isEqualTo(source.get(p));
                assertThat(milvus.partitionRowCount(target, Partitions.name(p))).as("p" + p).isEqualTo(source.get(p));
            }
            assertThat(milvus.rowCount(target)).isEqualTo(3000);
            milvus.dropCollection(target);
        }
        assertThat(run.err()).contains("build " + target + ": 3000/3000 rows (100%)");
    }

    /** 4 rows of each kind of bad row (wrong dimension, NaN, malformed JSON, zero norm, duplicate id): 1%. */
    static List<Long> spoil(RecallConfig cfg, String viewName) throws Exception {
        List<Long> bad = new ArrayList<>();
        String dim2 = "[0.1,0.2]";
        String nan = "[NaN" + ",0.5".repeat(127) + "]";
        String zero = "[0" + ",0".repeat(127) + "]";
        try (MysqlItemSource s = MysqlItemSource.open(cfg, 1); Connection c = s.connection();
             Statement st = c.createStatement()) {
            String t = s.table();
            for (int k = 0; k < 4; k++) {
                st.executeUpdate("UPDATE " + t + " SET vector = '" + dim2 + "' WHERE item_id = " + (101 + k));
                st.executeUpdate("UPDATE " + t + " SET vector = '" + nan + "' WHERE item_id = " + (202 + k));
                st.executeUpdate("UPDATE " + t + " SET vector = '[0.1, 0.2' WHERE item_id = " + (303 + k));
                st.executeUpdate("UPDATE " + t + " SET vector = '" + zero + "' WHERE item_id = " + (404 + k));
                bad.addAll(List.of(101L + k, 202L + k, 303L + k, 404L + k, 505L + k));
            }
            // a PK table cannot hold duplicate ids, a view over it can (as a real source view or a non-unique
            // column might): rows 505..508 appear twice
            st.execute("CREATE VIEW `" + viewName + "` AS SELECT * FROM " + t + " UNION ALL SELECT * FROM " + t
                    + " WHERE item_id BETWEEN 505 AND 508");
        }
        return bad;
    }

    @Test
    void badRowsUnderToleranceAreRejectedCountedSampledAndReconcilePerPartition() throws Exception {
        String name = TestStack.unique("build");
        CollectionFixture.seedSource(stack.config(name), 2000, 5);
        List<Long> bad = spoil(stack.config(name), name + "_v");
        RecallConfig cfg = stack.load(name, Map.of("source.table", name + "_v", "source.normalize", "true",
                "thresholds.max_bad_rows", "1%", "build.batch_rows", "300", "build.readers", "2")).config();
        String target = name + "_a";
        BuildResult r;
        Map<Integer, Long> source;
        try (MysqlItemSource s = MysqlItemSource.open(cfg, 2); MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            source = s.countByPartition(4);
            r = new BuildStep(cfg, s, milvus, BuildListener.none()).run(target, Optional.empty(), Optional.empty());
            assertThat(r.sourceRows()).isEqualTo(2004);
            assertThat(r.rejected()).isEqualTo(20);
            assertThat(r.written()).isEqualTo(1984);
            assertThat(r.rejectedByReason()).containsExactlyInAnyOrderEntriesOf(Map.of("wrong_dimension", 4L,
                    "nan_or_inf", 4L, "malformed", 4L, "zero_norm", 4L, "duplicate_id", 4L));
            assertThat(r.rejectedSample()).extracting(BuildResult.RejectedRow::id)
                    .containsExactlyInAnyOrderElementsOf(bad);
            assertThat(r.rejectedSample()).filteredOn(x -> x.id() == 101).singleElement()
                    .satisfies(x -> assertThat(x.reason()).isEqualTo("wrong dimension 2 (expected 128)"));
            for (int p = 0; p < 4; p++) {
                long expected = source.get(p) - r.rejectedByPartition().get(p);
                assertThat(r.writtenByPartition().get(p)).as("written p" + p).isEqualTo(expected);
                assertThat(milvus.partitionRowCount(target, Partitions.name(p))).as("milvus p" + p).isEqualTo(expected);
            }
            Map<Integer, Long> rejectedP = new HashMap<>();
            bad.forEach(id -> rejectedP.merge(Partitions.indexOf(id, 4), 1L, Long::sum));
            assertThat(r.rejectedByPartition()).containsExactlyInAnyOrderEntriesOf(rejectedP);
            milvus.dropCollection(target);
        }
    }

    @Test
    void badRowsOverToleranceExitThreeWithCountsAndSampleIds(@TempDir Path dir) throws Exception {
        String name = TestStack.unique("build");
        CollectionFixture.seedSource(stack.config(name), 2000, 5);
        spoil(stack.config(name), name + "_v");
        Path config = stack.writeConfigFile(dir, name, Map.of("source.table", name + "_v", "source.normalize", "true",
                "thresholds.max_bad_rows", "10"));

        CliRun run = Cli.withConfig(config, "build", "--collection", name + "_a");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.CHECK_REFUSED);
        assertThat(run.err()).contains("bad rows rejected").contains("thresholds.max_bad_rows=10")
                .containsPattern("ids \\d+ \\(");
        assertThat(run.out()).isEmpty();
        try (MilvusGateway milvus = MilvusGateway.forWrites(stack.config(name).milvus())) {
            milvus.dropCollection(name + "_a");
        }
    }

    @Test
    void everyEncodingRoundTripsIntoSearchableVectors() {
        for (String encoding : List.of("json", "csv", "f32le", "base64")) {
            String name = TestStack.unique("enc");
            RecallConfig cfg = stack.load(name, Map.of("source.encoding", encoding, "index.type", "FLAT")).config();
            CollectionFixture.seedSource(cfg, 300, 3);
            var seeded = CollectionFixture.readSource(cfg);
            String target = name + "_a";
            try (MysqlItemSource s = MysqlItemSource.open(cfg, 2); MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
                BuildResult r = new BuildStep(cfg, s, milvus, null).run(target, Optional.empty(), Optional.empty());
                assertThat(r.written()).as(encoding).isEqualTo(300);
                milvus.load(target, 60_000, i -> { });
                for (long probe : List.of(1L, 150L, 300L)) {
                    var hits = milvus.search(target, List.of(Partitions.name(Partitions.indexOf(probe, 4))),
                            cfg.collection().vectorField(), List.of(seeded.vectors().get(probe)), 1, Map.of(), null,
                            List.of());
                    assertThat(hits.get(0).get(0).id()).as(encoding + " probe " + probe).isEqualTo(probe);
                    assertThat(hits.get(0).get(0).score()).as(encoding).isCloseTo(1.0f, org.assertj.core.data.Offset.offset(1e-4f));
                }
                milvus.dropCollection(target);
            }
        }
    }

    @Test
    void milvusStoppedMidBuildFailsWithTheDependencyErrorInBoundedTimeAndTheNextBuildSucceeds() throws Exception {
        String name = TestStack.unique("build");
        try (ServerProcess server = ServerProcess.milvusLite(stack)) {
            RecallConfig cfg = stack.load(name, Map.of("milvus.write_uri", "http://127.0.0.1:" + server.port(),
                    "milvus.rpc_deadline_ms", "2000", "milvus.max_retries", "1", "milvus.max_retry_ms", "2000",
                    "build.batch_rows", "100", "build.writers", "2", "build.queue_batches", "2")).config();
            CollectionFixture.seedSource(cfg, 3000, 9);
            AtomicBoolean stopped = new AtomicBoolean();
            AtomicLong stoppedAt = new AtomicLong();
            BuildListener killer = new BuildListener() {
                @Override
                public void batchWritten(int partition, int rows) {
                    if (stopped.compareAndSet(false, true)) {
                        server.stop();
                        stoppedAt.set(System.nanoTime());
                    }
                }
            };
            try (MysqlItemSource s = MysqlItemSource.open(cfg, 2); MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
                assertThatThrownBy(() -> new BuildStep(cfg, s, milvus, killer).run(name + "_a", Optional.empty(),
                        Optional.empty()))
                        .isInstanceOf(DependencyException.class)
                        .hasMessageContaining("Milvus")
                        .satisfies(e -> assertThat(((DependencyException) e).exitCode()).isEqualTo(ExitCodes.DEPENDENCY));
                double seconds = (System.nanoTime() - stoppedAt.get()) / 1e9;
                assertThat(stopped).isTrue();
                assertThat(seconds).as("seconds from the outage to the error").isLessThan(20);
            }
            Thread.sleep(200);
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.isAlive()
                    && t.getName().startsWith("recallctl-build-"));

            server.start();
            try (MysqlItemSource s = MysqlItemSource.open(cfg, 2); MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
                BuildResult r = new BuildStep(cfg, s, milvus, null).run(name + "_a", Optional.empty(), Optional.empty());
                assertThat(r.written()).isEqualTo(3000);
                assertThat(milvus.rowCount(name + "_a")).isEqualTo(3000); // the half-built leftover was dropped
            }
        }
    }

    /**
     * A real writer failure: Milvus (behind a loopback proxy) hangs after the first few inserts, so a writer's
     * insert runs into its RPC deadline. The readers, blocked on the full queue, must stop at once, the writer's
     * own error must come out (exit 4), and no build thread may be left.
     */
    @Test
    void aHungServerFailsTheWriterAndStopsTheReadersAtOnceWithItsOwnError() throws Exception {
        String name = TestStack.unique("build");
        try (TcpProxy proxy = new TcpProxy(stack.milvusPort(), 400_000)) {
            RecallConfig cfg = stack.load(name, Map.of("build.batch_rows", "50", "build.queue_batches", "1",
                    "build.readers", "3", "build.writers", "2", "milvus.write_uri", "http://127.0.0.1:" + proxy.port(),
                    "milvus.rpc_deadline_ms", "2000", "milvus.max_retries", "0", "milvus.max_retry_ms", "1000"))
                    .config();
            CollectionFixture.seedSource(cfg, 6000, 4);
            AtomicLong batches = new AtomicLong();
            AtomicLong rowsSeen = new AtomicLong();
            BuildListener counting = new BuildListener() {
                @Override
                public void batchWritten(int partition, int rows) {
                    batches.incrementAndGet();
                }

                @Override
                public void rowsDone(long done, long total) {
                    rowsSeen.set(done);
                }
            };
            long t0 = System.nanoTime();
            try (MysqlItemSource s = MysqlItemSource.open(cfg, 3);
                 MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
                assertTimeoutPreemptively(Duration.ofSeconds(40), () -> assertThatThrownBy(() ->
                        new BuildStep(cfg, s, milvus, counting).run(name + "_a", Optional.empty(), Optional.empty()))
                        .isInstanceOf(DependencyException.class)
                        .hasMessageContaining("Milvus")
                        .hasMessageContaining("insert"));
            }
            assertThat(proxy.hung()).as("the proxy hung the server").isTrue();
            assertThat(batches.get()).as("inserts that got through before the hang").isPositive().isLessThan(60);
            assertThat((System.nanoTime() - t0) / 1e9).as("seconds to the error").isLessThan(20);
        }
        Thread.sleep(200);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.isAlive()
                && t.getName().startsWith("recallctl-build-"));
        try (MilvusGateway milvus = MilvusGateway.forWrites(stack.config(name).milvus())) {
            milvus.dropCollection(name + "_a");
        }
    }

    /**
     * The serving and the rollback collection really exist (built, indexed, loaded): build --collection into
     * either is refused (exit 3) and neither loses a row, its index or its load. Fails when the refusal goes
     * (the build would drop and rebuild the serving collection).
     */
    @Test
    void refusesToBuildIntoTheServingOrTheRollbackCollection(@TempDir Path dir) {
        String name = TestStack.unique("build");
        RecallConfig cfg = stack.config(name);
        Path config = stack.writeConfigFile(dir, name, Map.of());
        String a = name + "_a";
        String b = name + "_b";
        CollectionFixture.build(cfg, a, 300, "FLAT", Map.of());
        CollectionFixture.build(cfg, b, 300, "FLAT", Map.of());
        try (RedisPointerStore pointers = RedisPointerStore.connect(cfg); MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            pointers.forceCurrent(b);
            pointers.forceHistory(List.of(a)); // serving b, rollback a
            try {
                CliRun serving = Cli.withConfig(config, "build", "--collection", b);
                assertThat(serving.exitCode()).as(serving.toString()).isEqualTo(ExitCodes.CHECK_REFUSED);
                assertThat(serving.err()).contains("refusing to build into '" + b + "'").contains("serving collection");
                CliRun rollback = Cli.withConfig(config, "build", "--collection", a);
                assertThat(rollback.exitCode()).as(rollback.toString()).isEqualTo(ExitCodes.CHECK_REFUSED);
                assertThat(rollback.err()).contains("rollback collection");
                for (String c : List.of(a, b)) {
                    assertThat(milvus.rowCount(c)).as(c + " rows").isEqualTo(300);
                    assertThat(milvus.index(c, cfg.collection().vectorField()).finished()).as(c + " index").isTrue();
                    assertThat(milvus.loadState(c).loaded()).as(c + " loaded").isTrue();
                }
                assertThat(pointers.current()).contains(b);
                assertThat(pointers.building()).isEmpty();
            } finally {
                pointers.deleteAll();
                milvus.dropCollection(a);
                milvus.dropCollection(b);
            }
        }
        assertThatThrownBy(() -> BuildStep.refuseProtected("x", Optional.of("x"), Optional.empty()))
                .isInstanceOf(CheckRefusedException.class);
    }
}
