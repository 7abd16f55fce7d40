package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.RecallConfig;
import org.recallctl.config.Redactor;
import org.recallctl.error.RecallctlException;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.output.Json;
import org.recallctl.output.Log;
import org.recallctl.output.Progress;
import org.recallctl.source.MysqlItemSource;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.TestStack;

/**
 * Issue 10 §6 and §8 on the real stack: ids a Milvus primary key cannot hold (NULL, beyond int64), vectors of
 * only subnormal floats, index/search parameters checked before anything is built, and a catalogue that keeps
 * changing while a build reads it.
 */
@Tag("integration")
class SourceEdgesIT {
    private static final int ROWS = 600;
    private final TestStack stack = TestStack.get();
    @TempDir
    Path dir;

    private static Map<String, String> small(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>();
        m.put("warmup.max_queries", "20");
        m.put("warmup.window", "10");
        m.put("warmup.timeout_s", "60");
        m.put("build.batch_rows", "100");
        m.put("build.readers", "2");
        m.put("build.writers", "1");
        m.putAll(extra);
        return m;
    }

    private static void sql(RecallConfig cfg, String... statements) throws Exception {
        try (MysqlItemSource s = MysqlItemSource.open(cfg, 1); Connection c = s.connection(); Statement st = c.createStatement()) {
            for (String statement : statements) {
                st.execute(statement);
            }
        }
    }

    private CliRun rebuild(Path config, Path report) {
        return Cli.run(Map.of("RECALLCTL_CONFIG", config.toString()), "rebuild", "--report", report.toString(), "-q");
    }

    private static void cleanup(RecallConfig cfg) {
        CollectionFixture.dropPipeline(cfg, cfg.collection().baseName() + "_");
    }

    /**
     * A BIGINT UNSIGNED NULL id column: 3 NULL ids and 2 ids beyond 2^63-1 are rejected as null_id / id_range,
     * counted, sampled and held against thresholds.max_bad_rows; the rest builds and reconciles per partition.
     * (Before: NULL rows were skipped by the reader and counted into p0, and the big ids made the bounds query
     * fail as "MySQL unreachable", exit 4.)
     */
    @Test
    void nullAndOutOfRangeIdsAreRejectedCountedAndSampled() throws Exception {
        String name = TestStack.unique("ids");
        RecallConfig seeded = stack.load(name + "_src", Map.of()).config();
        CollectionFixture.seedSource(seeded, ROWS, 3);
        String src = "`" + name + "_src`";
        String edge = "`" + name + "`";
        RecallConfig cfg = stack.load(name, small(Map.of())).config();
        sql(cfg, "CREATE TABLE " + edge + " LIKE " + src,
                "ALTER TABLE " + edge + " DROP PRIMARY KEY, MODIFY item_id BIGINT UNSIGNED NULL, "
                        + "ADD row_id INT AUTO_INCREMENT PRIMARY KEY",
                "INSERT INTO " + edge + " (item_id, vector, category, brand) SELECT item_id, vector, category, brand FROM " + src,
                "INSERT INTO " + edge + " (item_id, vector, category, brand) SELECT NULL, vector, category, brand FROM " + src
                        + " ORDER BY item_id LIMIT 3",
                "INSERT INTO " + edge + " (item_id, vector, category, brand) SELECT 18446744073709551615, vector, category, brand FROM "
                        + src + " ORDER BY item_id LIMIT 1",
                "INSERT INTO " + edge + " (item_id, vector, category, brand) SELECT 9223372036854775808, vector, category, brand FROM "
                        + src + " ORDER BY item_id LIMIT 1");
        try {
            Path within = stack.writeConfigFile(dir, name, small(Map.of("thresholds.max_bad_rows", "5")));
            Path report = dir.resolve("ok.json");
            CliRun ok = rebuild(within, report);
            assertThat(ok.exitCode()).as(ok.toString()).isZero();
            JsonNode r = Json.mapper().readTree(Files.readString(report));
            assertThat(r.at("/counts/built_source_rows").asLong()).isEqualTo(ROWS + 5);
            assertThat(r.at("/counts/rejected").asLong()).isEqualTo(5);
            assertThat(r.at("/counts/rejected_by_reason/null_id").asLong()).isEqualTo(3);
            assertThat(r.at("/counts/rejected_by_reason/id_range").asLong()).isEqualTo(2);
            assertThat(r.at("/counts/built_rows").asLong()).isEqualTo(ROWS);
            List<String> sample = new ArrayList<>();
            r.get("rejected_sample").forEach(x -> {
                assertThat(x.get("id").isNull()).isTrue();
                sample.add(x.get("reason").asText());
            });
            assertThat(sample).anyMatch(x -> x.startsWith("null id: 3 row(s) have NULL in source column item_id"))
                    .anyMatch(x -> x.contains("18446744073709551615 does not fit Milvus's int64 primary key"))
                    .anyMatch(x -> x.contains("9223372036854775808"));
            // the per-partition reconciliation saw exactly the rows with ids: nothing counted into p0 for NULL
            assertThat(readAndReconciledPerPartition(stepDetails(r, "check_built"))).isEqualTo(ROWS);

            Path tight = stack.writeConfigFile(dir, name, small(Map.of("thresholds.max_bad_rows", "4")));
            CliRun refused = rebuild(tight, dir.resolve("refused.json"));
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(3);
            assertThat(refused.err()).contains("5 bad rows rejected").contains("null_id=3").contains("id_range=2")
                    .contains("thresholds.max_bad_rows");
        } finally {
            sql(cfg, "DROP TABLE IF EXISTS " + edge, "DROP TABLE IF EXISTS " + src);
            cleanup(cfg);
        }
    }

    /** Two rows of only subnormal floats, with normalisation on: rejected as zero_norm, never sent as Inf/NaN. */
    @Test
    void vectorsOfOnlySubnormalFloatsAreRejectedNotNormalisedToInfinity() throws Exception {
        String name = TestStack.unique("subn");
        RecallConfig cfg = stack.load(name, small(Map.of("source.normalize", "true"))).config();
        CollectionFixture.seedSource(cfg, ROWS, 4);
        String subnormal = "[" + "1.4e-45,".repeat(127) + "2.8e-45]";
        sql(cfg, "UPDATE `" + name + "` SET vector = '" + subnormal + "' WHERE item_id IN (10, 11)");
        try {
            Path config = stack.writeConfigFile(dir, name, small(Map.of("source.normalize", "true",
                    "thresholds.max_bad_rows", "2")));
            Path report = dir.resolve("r.json");
            CliRun run = rebuild(config, report);
            assertThat(run.exitCode()).as(run.toString()).isZero();
            JsonNode r = Json.mapper().readTree(Files.readString(report));
            assertThat(r.at("/counts/rejected_by_reason/zero_norm").asLong()).isEqualTo(2);
            assertThat(r.at("/counts/built_rows").asLong()).isEqualTo(ROWS - 2);
            List<Long> ids = new ArrayList<>();
            r.get("rejected_sample").forEach(x -> {
                ids.add(x.get("id").asLong());
                assertThat(x.get("reason").asText()).contains("every component is subnormal");
            });
            assertThat(ids).containsExactly(10L, 11L);
        } finally {
            cleanup(cfg);
        }
    }

    /**
     * A wrong index parameter fails in milliseconds with exit 2, before any collection exists (it used to fail at
     * createIndex, after the whole table had streamed); an unknown name is a warning printed before the build.
     */
    @Test
    void indexAndSearchParametersAreCheckedBeforeAnythingIsBuilt() throws Exception {
        String name = TestStack.unique("prm");
        RecallConfig cfg = stack.load(name, small(Map.of())).config();
        CollectionFixture.seedSource(cfg, ROWS, 5);
        Path config = stack.writeConfigFile(dir, name, small(Map.of()));
        Map<String, String> env = Map.of("RECALLCTL_CONFIG", config.toString());
        try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus())) {
            for (String[] bad : List.of(new String[] {"index.params.nlist=lots", "index.params.nlist='lots': expected an integer"},
                    new String[] {"search.params.nprobe=0", "search.params.nprobe=0: expected an integer in 1..65536"})) {
                long t0 = System.nanoTime();
                CliRun run = Cli.run(env, "build", "--collection", name + "_x", "--set", bad[0]);
                assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
                assertThat(run.err()).contains(bad[1]);
                assertThat((System.nanoTime() - t0) / 1e9).as("refused before streaming").isLessThan(20);
                assertThat(m.hasCollection(name + "_x")).as("nothing was created").isFalse();
            }
            CliRun typo = Cli.run(env, "build", "--collection", name + "_y", "--set", "index.params.nlsit=16");
            assertThat(typo.err().lines().findFirst().orElse("")).as(typo.toString()).isEqualTo("warning: "
                    + "index.params.nlsit is not an index parameter of IVF_FLAT (it takes nlist); did you mean "
                    + "index.params.nlist?; it is passed to Milvus as is");
        } finally {
            cleanup(cfg);
        }
    }

    /**
     * §8: rows inserted into the source while the build streams it. Within thresholds.max_source_drift the run
     * passes, reconciled exactly against what it read (per partition), the drift reported on its own; beyond it
     * the run exits 3 naming the drift and the key. (Before: check --built re-counted the live table and any
     * insert failed the run as "source changed".)
     */
    @Test
    void rowsInsertedDuringTheBuildAreDriftWithinATolerance() throws Exception {
        String name = TestStack.unique("drift");
        RecallConfig cfg = stack.load(name, small(Map.of("thresholds.max_source_drift", "1%"))).config();
        CollectionFixture.seedSource(cfg, ROWS, 6);
        try {
            RebuildChain.Result ok = new RebuildChain(cfg, quiet(), Progress.none(), Clock.systemUTC(),
                    insertingDuringTheBuild(cfg, 1_000_000, 5)).run(false, null);
            JsonNode r = ok.report().toJson();
            JsonNode check = stepDetails(r, "check_built");
            assertThat(check.at("/source_drift/rows").asLong()).isEqualTo(5);
            assertThat(check.at("/source_drift/read_rows").asLong()).isEqualTo(ROWS);
            assertThat(check.at("/source_drift/live_rows").asLong()).isEqualTo(ROWS + 5);
            assertThat(readAndReconciledPerPartition(check)).as("reconciled against what was read, not the live table")
                    .isEqualTo(ROWS);
            assertThat(r.at("/counts/source_drift_rows").asLong()).isEqualTo(5);

            // 1% of the 605 rows now read is 6: 12 more rows inserted during the next build are too many
            assertThatThrownBy(() -> new RebuildChain(cfg, quiet(), Progress.none(), Clock.systemUTC(),
                    insertingDuringTheBuild(cfg, 2_000_000, 12)).run(false, null))
                    .isInstanceOf(RecallctlException.class)
                    .satisfies(e -> assertThat(((RecallctlException) e).exitCode()).isEqualTo(3))
                    .hasMessageContaining("the live table drifted 12 row(s) from what the build read (read 605, live 617")
                    .hasMessageContaining("over thresholds.max_source_drift=1.0% (limit 6)");
        } finally {
            cleanup(cfg);
        }
    }

    private static JsonNode stepDetails(JsonNode report, String step) {
        for (JsonNode s : report.get("steps")) {
            if (s.get("name").asText().equals(step)) {
                return s.get("details");
            }
        }
        throw new AssertionError("no step " + step + " in " + report);
    }

    /** Asserts every partition holds exactly what was read minus its rejects; returns the rows read in them. */
    private static long readAndReconciledPerPartition(JsonNode checkBuilt) {
        long read = 0;
        for (JsonNode p : checkBuilt.get("partitions")) {
            assertThat(p.get("built").asLong()).as(p.toString()).isEqualTo(p.get("expected").asLong());
            read += p.get("source").asLong();
        }
        return read;
    }

    private static Log quiet() {
        return new Log(new PrintWriter(new StringWriter(), true), new Redactor(), Log.Level.QUIET);
    }

    /** Inserts {@code n} new items (ids from {@code firstId}) when the first batch is written: mid-stream. */
    private static RebuildChain.Hooks insertingDuringTheBuild(RecallConfig cfg, long firstId, int n) {
        AtomicBoolean done = new AtomicBoolean();
        return new RebuildChain.Hooks() {
            @Override
            public BuildListener buildListener() {
                return new BuildListener() {
                    @Override
                    public void batchWritten(int partition, int rows) {
                        if (done.compareAndSet(false, true)) {
                            try {
                                StringBuilder values = new StringBuilder();
                                for (int i = 0; i < n; i++) {
                                    values.append(i == 0 ? "" : ",").append("(").append(firstId + i).append(", '[")
                                            .append("0.1,".repeat(cfg.source().dimension() - 1)).append("0.1]', 1, 'brand-1')");
                                }
                                sql(cfg, "INSERT INTO `" + cfg.source().table() + "` (item_id, vector, category, brand) VALUES "
                                        + values);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    }
                };
            }
        };
    }
}
