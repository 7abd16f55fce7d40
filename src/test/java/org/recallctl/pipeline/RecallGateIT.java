package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.RecallConfig;
import org.recallctl.config.Redactor;
import org.recallctl.error.RecallctlException;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.milvus.Partitions;
import org.recallctl.output.Json;
import org.recallctl.output.Log;
import org.recallctl.output.Progress;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.source.MysqlItemSource;
import org.recallctl.source.SourceRow;
import org.recallctl.source.VectorCodec;
import org.recallctl.source.Vectors;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.TestStack;

/**
 * Issue 12 §1-2 acceptance on the real stack: the recall gate refuses a generation whose data went bad after the
 * build (exit 3, key1 untouched, nothing switched), passes a good one, the spot-check catches a single row whose
 * vector differs from the source, and {@code --skip-gate} switches while saying so in the output, report and
 * metrics.
 */
@Tag("integration")
class RecallGateIT {
    private static final int ROWS = 2000;
    private final TestStack stack = TestStack.get();

    @TempDir
    Path dir;

    private Map<String, String> small(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>();
        m.put("warmup.max_queries", "20");
        m.put("warmup.window", "10");
        m.put("warmup.timeout_s", "60");
        m.put("build.batch_rows", "500");
        m.put("build.writers", "1");
        m.put("gate.queries", "100");
        m.put("gate.cache_dir", dir.resolve("cache").toString());
        m.putAll(extra);
        return m;
    }

    private static Log quiet() {
        return new Log(new PrintWriter(new StringWriter(), true), new Redactor(), Log.Level.QUIET);
    }

    private static void cleanup(RecallConfig cfg) {
        try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus()); RedisPointerStore r = RedisPointerStore.connect(cfg)) {
            for (String c : new CollectionNaming(cfg.collection()).generations(m.listCollections())) {
                m.dropCollection(c);
            }
            r.deleteAll();
        } catch (RuntimeException ignored) {
            // best effort
        }
        try (MysqlItemSource s = MysqlItemSource.open(cfg, 1); var c = s.connection(); var st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS `" + cfg.source().table() + "`");
        } catch (Exception ignored) {
            // best effort
        }
    }

    /**
     * Overwrites the stored vectors of {@code ids} in {@code collection} (upsert: same id, same partition, the
     * source's scalars), as a broken writer or a corrupted import would have left them.
     */
    private static void overwrite(RecallConfig cfg, String collection, List<Long> ids, Function<float[], float[]> change) {
        VectorCodec codec = new VectorCodec(cfg.source().encoding(), cfg.source().dimension());
        int p = cfg.collection().partitions();
        Map<Integer, List<JsonObject>> byPartition = new HashMap<>();
        try (MysqlItemSource source = MysqlItemSource.open(cfg, 1); MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            for (SourceRow row : source.rows(ids)) {
                float[] v;
                try {
                    v = change.apply(codec.decode(row.rawVector()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                JsonObject o = new JsonObject();
                o.addProperty(cfg.collection().idField(), row.id());
                JsonArray arr = new JsonArray(v.length);
                for (float f : v) {
                    arr.add(f);
                }
                o.add(cfg.collection().vectorField(), arr);
                o.addProperty("category", ((Number) row.scalars()[0]).longValue());
                o.addProperty("brand", row.scalars()[1].toString());
                byPartition.computeIfAbsent(Partitions.indexOf(row.id(), p), x -> new ArrayList<>()).add(o);
            }
            byPartition.forEach((part, rows) -> milvus.upsert(collection, Partitions.name(part), rows));
            milvus.flush(collection, 60_000);
        }
        if (TestStack.get().isFullEngine()) {
            // searches run with BOUNDED consistency (as the search service's): the real engine shows writes to
            // them after common.gracefulTime (5 s by default); the spot-check reads STRONG and sees them at once
            try {
                Thread.sleep(6_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A random unit vector: what a scrambled row looks like (nowhere near its cluster). */
    private static Function<float[], float[]> scrambled(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        return v -> {
            float[] out = new float[v.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) (rnd.nextDouble() * 2 - 1);
            }
            try {
                Vectors.normalize(out);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return out;
        };
    }

    private static List<Long> everyTenth() {
        List<Long> ids = new ArrayList<>();
        for (long id = 10; id <= ROWS; id += 10) {
            ids.add(id);
        }
        return ids;
    }

    private static RebuildChain.Hooks beforeGate(java.util.function.Consumer<String> action) {
        return new RebuildChain.Hooks() {
            @Override
            public void beforeGate(String target) {
                action.accept(target);
            }
        };
    }

    private static JsonNode step(JsonNode report, String name) {
        for (JsonNode s : report.get("steps")) {
            if (s.get("name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no step " + name + " in " + report);
    }

    /** A good generation passes and switches; one with 10% of its vectors scrambled after the build is refused. */
    @Test
    @Tag("full-engine")
    void aGoodGenerationPassesAndOneWithTenPercentScrambledVectorsIsRefused() throws Exception {
        String name = TestStack.unique("gate");
        Map<String, String> o = small(Map.of());
        Path config = stack.writeConfigFile(dir, name, o);
        RecallConfig cfg = stack.load(name, o).config();
        CollectionFixture.seedSource(cfg, ROWS, 21);
        try (RedisPointerStore redis = RedisPointerStore.connect(cfg); MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            Path good = dir.resolve("good.json");
            CliRun first = Cli.run(Map.of("RECALLCTL_CONFIG", config.toString()), "rebuild", "--report", good.toString());
            assertThat(first.exitCode()).as(first.toString()).isZero();
            String serving = redis.current().orElseThrow();
            JsonNode r = Json.mapper().readTree(Files.readString(good));
            List<String> steps = new ArrayList<>();
            r.get("steps").forEach(s -> steps.add(s.get("name").asText() + ":" + s.get("status").asText()));
            assertThat(steps).containsExactly("connect:ok", "check:ok", "build:ok", "warmup:ok", "check_built:ok",
                    "gate:ok", "switch:ok", "probe:ok");
            assertThat(r.at("/counts/gate_recall").asDouble()).as("nprobe = nlist: exact").isGreaterThanOrEqualTo(0.99);
            assertThat(r.at("/counts/gate_spot_mismatches").asLong()).isZero();
            assertThat(r.at("/counts/gate_spot_checked").asLong()).isEqualTo(100);
            assertThat(step(r, "gate").at("/details/recall/queries").asInt()).isEqualTo(100);
            assertThat(step(r, "gate").at("/details/recall/k").asInt()).isEqualTo(10);
            assertThat(step(r, "gate").at("/details/overlap/note").asText()).isEqualTo("nothing serves yet");

            // the next generation: 10% of its vectors scrambled in Milvus after the build, against a strict gate
            Thread.sleep(1100); // timestamp naming has one-second resolution
            RecallConfig strict = stack.load(name, small(Map.of("gate.min_recall", "0.95", "gate.spot_check", "0"))).config();
            String[] target = new String[1];
            Path refusedReport = dir.resolve("refused.json");
            assertThatThrownBy(() -> new RebuildChain(strict, quiet(), Progress.none(), Clock.systemUTC(),
                    beforeGate(t -> {
                        target[0] = t;
                        overwrite(strict, t, everyTenth(), scrambled(5));
                    })).run(false, refusedReport))
                    .isInstanceOf(RecallctlException.class)
                    .satisfies(e -> assertThat(((RecallctlException) e).exitCode()).isEqualTo(3))
                    .satisfies(e -> assertThat(e.getMessage()).contains("recall gate refused " + target[0]
                            + ", nothing switched"))
                    .hasMessageContaining("below gate.min_recall 0.95");
            assertThat(redis.current()).as("key1 unchanged").contains(serving);
            assertThat(redis.history()).isEmpty();
            assertThat(redis.building()).isEmpty();
            assertThat(redis.lockHolder()).isEmpty();
            JsonNode refused = Json.mapper().readTree(Files.readString(refusedReport));
            assertThat(refused.get("exit_code").asInt()).isEqualTo(3);
            assertThat(step(refused, "gate").get("status").asText()).isEqualTo("failed");
            assertThat(refused.at("/counts/gate_recall").asDouble()).isLessThan(0.95).isGreaterThan(0.5);
            assertThat(refused.at("/counts/gate_overlap").asDouble()).as("measured against the serving one")
                    .isLessThan(0.99);
            assertThat(refused.get("steps").findValuesAsText("name")).doesNotContain("switch");
            assertThat(milvus.loadState(target[0]).loaded()).as("the refused generation is released").isFalse();

            // with the recall floor off, the optional overlap floor alone refuses the same drift
            Thread.sleep(1100);
            RecallConfig drift = stack.load(name, small(Map.of("gate.min_recall", "0", "gate.min_overlap", "0.95",
                    "gate.spot_check", "0"))).config();
            assertThatThrownBy(() -> new RebuildChain(drift, quiet(), Progress.none(), Clock.systemUTC(),
                    beforeGate(t -> overwrite(drift, t, everyTenth(), scrambled(6)))).run(false, null))
                    .satisfies(e -> assertThat(((RecallctlException) e).exitCode()).isEqualTo(3))
                    .hasMessageContaining("and the serving " + serving + " is 0.")
                    .hasMessageContaining("below gate.min_overlap 0.95");
            assertThat(redis.current()).as("key1 unchanged").contains(serving);
        } finally {
            cleanup(cfg);
        }
    }

    /**
     * A useless index setting: IVF with nlist 64 on clustered data searched with nprobe 1 (what search.params
     * says) misses neighbours; a strict gate refuses it with exit 3 before anything serves, and the same
     * generation searched with nprobe 64 passes and switches. (milvus-lite builds IVF lists on these small
     * segments; the real engine indexes none under 1,024 rows per segment, so this one is not full-engine.)
     */
    @Test
    void anIvfIndexSearchedWithNprobeOneIsRefusedByAStrictGateAndPassesWithEnoughProbes() throws Exception {
        String name = TestStack.unique("ivf");
        Map<String, String> o = small(Map.of("index.params.nlist", "64", "search.params.nprobe", "1",
                "gate.min_recall", "0.95"));
        Path config = stack.writeConfigFile(dir, name, o);
        RecallConfig cfg = stack.load(name, o).config();
        CollectionFixture.seedSource(cfg, ROWS, 24);
        Map<String, String> env = Map.of("RECALLCTL_CONFIG", config.toString());
        try (RedisPointerStore redis = RedisPointerStore.connect(cfg)) {
            Path report = dir.resolve("nprobe1.json");
            CliRun refused = Cli.run(env, "rebuild", "--report", report.toString());
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(3);
            assertThat(refused.err()).contains("recall gate refused").contains("below gate.min_recall 0.95")
                    .contains("search.params {nprobe=1}");
            assertThat(redis.current()).as("nothing switched").isEmpty();
            assertThat(redis.building()).isEmpty();
            JsonNode r = Json.mapper().readTree(Files.readString(report));
            assertThat(r.at("/counts/gate_recall").asDouble()).isLessThan(0.95);
            assertThat(r.at("/counts/gate_spot_mismatches").asLong()).as("the data is fine, the index setting is not")
                    .isZero();

            Thread.sleep(1100);
            CliRun ok = Cli.run(env, "rebuild", "--set", "search.params.nprobe=64");
            assertThat(ok.exitCode()).as(ok.toString()).isZero();
            assertThat(ok.out()).contains("recall gate: passed: recall@10 1.000");
            assertThat(redis.current()).isPresent();
        } finally {
            cleanup(cfg);
        }
    }

    /** One row whose stored vector differs from the source (slightly: recall cannot see it) refuses the switch. */
    @Test
    void theSpotCheckCatchesOneRowWhoseVectorDiffersFromTheSource() throws Exception {
        String name = TestStack.unique("spot");
        // the sample covers the table here, so the changed row is certainly among the rows compared
        RecallConfig cfg = stack.load(name, small(Map.of("gate.spot_check", String.valueOf(ROWS)))).config();
        CollectionFixture.seedSource(cfg, ROWS, 22);
        try (RedisPointerStore redis = RedisPointerStore.connect(cfg)) {
            long changed = 1234;
            assertThatThrownBy(() -> new RebuildChain(cfg, quiet(), Progress.none(), Clock.systemUTC(),
                    beforeGate(t -> overwrite(cfg, t, List.of(changed), v -> {
                        float[] w = v.clone();
                        w[3] += 0.01f;
                        return w;
                    }))).run(false, null))
                    .isInstanceOf(RecallctlException.class)
                    .satisfies(e -> assertThat(((RecallctlException) e).exitCode()).isEqualTo(3))
                    .hasMessageContaining("spot-check: 1 of " + ROWS + " rows read back differ from the source (item "
                            + changed + ": vector differs from the source in 1 of 128 components (largest at [3]")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("gate.min_recall"));
            assertThat(redis.current()).as("nothing switched").isEmpty();
            assertThat(redis.building()).isEmpty();
        } finally {
            cleanup(cfg);
        }
    }

    /**
     * switch --to runs the same gate as rebuild (safety rule 5): a generation built and warmed by the single
     * steps, whose vectors were then scrambled, is refused (exit 3, key1 unchanged, nothing switched), and
     * --skip-gate switches it, loudly. Fails when switch --to moves key1 without the gate (it did before).
     */
    @Test
    void switchToRunsTheGateAndSkipGateSwitchesLoudly() throws Exception {
        String name = TestStack.unique("swgate");
        Map<String, String> o = small(Map.of("gate.min_recall", "0.95", "gate.spot_check", "0"));
        Path config = stack.writeConfigFile(dir, name, o);
        RecallConfig cfg = stack.load(name, o).config();
        CollectionFixture.seedSource(cfg, ROWS, 25);
        Map<String, String> env = Map.of("RECALLCTL_CONFIG", config.toString());
        try (RedisPointerStore redis = RedisPointerStore.connect(cfg)) {
            CliRun build = Cli.run(env, "build");
            assertThat(build.exitCode()).as(build.toString()).isZero();
            String target = redis.building().orElseThrow();
            CliRun warm = Cli.run(env, "warmup", "--collection", target);
            assertThat(warm.exitCode()).as(warm.toString()).isZero();
            overwrite(cfg, target, everyTenth(), scrambled(11));

            CliRun refused = Cli.run(env, "switch", "--to", target);
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(3);
            assertThat(refused.err()).contains("recall gate refused " + target + ", nothing switched")
                    .contains("below gate.min_recall 0.95");
            assertThat(redis.current()).as("key1 unchanged").isEmpty();
            assertThat(redis.lockHolder()).isEmpty();

            CliRun skipped = Cli.run(env, "switch", "--to", target, "--skip-gate");
            assertThat(skipped.exitCode()).as(skipped.toString()).isZero();
            assertThat(skipped.err()).contains("recall gate and spot-check SKIPPED (--skip-gate)");
            assertThat(redis.current()).contains(target);
        } finally {
            cleanup(cfg);
        }
    }

    /**
     * --skip-gate switches a generation the gate would refuse, and says so on stderr, stdout, in the report and in
     * the metrics; check --recall then measures the serving collection alone and refuses it (exit 3).
     */
    @Test
    void skipGateSwitchesLoudlyAndCheckRecallMeasuresTheServingCollection() throws Exception {
        String name = TestStack.unique("skip");
        Path metrics = dir.resolve("textfile/recallctl.prom");
        Map<String, String> o = small(Map.of("metrics.textfile", metrics.toString()));
        Path config = stack.writeConfigFile(dir, name, o);
        RecallConfig cfg = stack.load(name, o).config();
        CollectionFixture.seedSource(cfg, ROWS, 23);
        Map<String, String> env = Map.of("RECALLCTL_CONFIG", config.toString());
        try (RedisPointerStore redis = RedisPointerStore.connect(cfg)) {
            CliRun plan = Cli.run(env, "rebuild", "--dry-run", "--skip-gate");
            assertThat(plan.exitCode()).as(plan.toString()).isZero();
            assertThat(plan.out()).contains("recall gate      SKIPPED (--skip-gate): the switch would not check");
            assertThat(Cli.run(env, "rebuild", "--dry-run").out())
                    .contains("recall gate      100 queries, recall@10 >= 0.9, overlap reported, spot-check 100 rows");
            Path report = dir.resolve("skip.json");
            CliRun run = Cli.run(env, "rebuild", "--skip-gate", "--report", report.toString());
            assertThat(run.exitCode()).as(run.toString()).isZero();
            String serving = redis.current().orElseThrow();
            assertThat(run.err()).contains("recall gate and spot-check SKIPPED (--skip-gate)");
            assertThat(run.out()).contains("recall gate: SKIPPED, this switch was not checked for recall or content");
            JsonNode r = Json.mapper().readTree(Files.readString(report));
            assertThat(step(r, "gate").get("status").asText()).isEqualTo("skipped");
            assertThat(r.at("/counts/gate_skipped").asBoolean()).isTrue();
            assertThat(r.get("warnings").toString()).contains("SKIPPED (--skip-gate)");
            assertThat(Files.readString(metrics))
                    .contains("recallctl_last_run_gate_skipped{command=\"rebuild\",pipeline=\"" + name + "\"} 1.0");

            CliRun check = Cli.run(env, "check", "--recall");
            assertThat(check.exitCode()).as(check.toString()).isZero();
            assertThat(check.out()).contains("collection").contains(serving).contains("verdict").contains("ok")
                    .contains("not measured: " + serving + " is the serving collection");

            overwrite(cfg, serving, everyTenth(), scrambled(9));
            CliRun bad = Cli.run(env, "check", "--recall", "--json", "--set", "gate.min_recall=0.95");
            assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(3);
            assertThat(bad.err()).contains("below gate.min_recall 0.95").contains("spot-check: ");
            JsonNode j = Json.mapper().readTree(bad.out());
            assertThat(j.at("/recall/mean_recall").asDouble()).isLessThan(0.95);
            assertThat(j.at("/spot_check/mismatches").size()).isPositive();
            j.at("/spot_check/mismatches").forEach(m -> assertThat(m.get("id").asLong() % 10).isZero());
            assertThat(Files.readString(metrics)).contains("recallctl_last_run_gate_recall{command=\"check\",pipeline=\""
                    + name + "\"}");
        } finally {
            cleanup(cfg);
        }
    }
}
