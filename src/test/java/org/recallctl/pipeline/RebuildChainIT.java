package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
import org.recallctl.pointer.PointerState;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.pointer.RunLock;
import org.recallctl.source.MysqlItemSource;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.ServerProcess;
import org.recallctl.testing.TestStack;

/** Acceptance tests of issue 4 for the chain (check, warmup, switch, rollback, rebuild) against the real stack. */
@Tag("integration")
class RebuildChainIT {
    private static final int ROWS = 2000;
    private final TestStack stack = TestStack.get();

    private static Map<String, String> small(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>();
        m.put("warmup.max_queries", "30");
        m.put("warmup.window", "10");
        m.put("warmup.timeout_s", "60");
        m.put("build.batch_rows", "500");
        m.put("build.writers", "1");
        m.putAll(extra);
        return m;
    }

    private Map<String, String> env(Path config) {
        return Map.of("RECALLCTL_CONFIG", config.toString());
    }

    private static Log log() {
        return new Log(new PrintWriter(new StringWriter(), true), new Redactor(), Log.Level.QUIET);
    }

    private static List<String> mine(RecallConfig cfg) {
        try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus())) {
            return new CollectionNaming(cfg.collection()).generations(m.listCollections());
        }
    }

    private static void sql(RecallConfig cfg, String statement) throws Exception {
        try (MysqlItemSource s = MysqlItemSource.open(cfg, 1); Connection c = s.connection(); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    private static String checksum(RecallConfig cfg) throws Exception {
        try (MysqlItemSource s = MysqlItemSource.open(cfg, 2); Connection c = s.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("CHECKSUM TABLE `" + cfg.source().table() + "` EXTENDED")) {
            rs.next();
            return rs.getString(2) + "/" + s.count();
        }
    }

    private static void cleanup(RecallConfig cfg) {
        try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus()); RedisPointerStore r = RedisPointerStore.connect(cfg)) {
            if (!cfg.collection().alias().isEmpty() && m.aliasTarget(cfg.collection().alias()).isPresent()) {
                m.dropAlias(cfg.collection().alias());
            }
            for (String c : new CollectionNaming(cfg.collection()).generations(m.listCollections())) {
                m.dropCollection(c);
            }
            r.deleteAll();
        } catch (RuntimeException ignored) {
            // best effort
        }
        try {
            sql(cfg, "DROP TABLE IF EXISTS `" + cfg.source().table() + "`");
        } catch (Exception ignored) {
            // best effort
        }
    }

    @Test
    @Tag("full-engine") // runs on milvus-lite and, in bin/test's second phase, on the real engine
    void happyPathTwiceThenRollbackAndAlreadyServing(@TempDir Path dir) throws Exception {
        String name = TestStack.unique("chain");
        String alias = name + "_serving";
        Path config = stack.writeConfigFile(dir, name, small(Map.of("collection.alias", alias)));
        RecallConfig cfg = stack.load(name, small(Map.of("collection.alias", alias))).config();
        CollectionFixture.seedSource(cfg, ROWS, 11);
        try (RedisPointerStore redis = RedisPointerStore.connect(cfg); MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            Path report1 = dir.resolve("r1.json");
            CliRun first = Cli.run(env(config), "rebuild", "--report", report1.toString());
            assertThat(first.exitCode()).as(first.toString()).isZero();
            String a = redis.current().orElseThrow();
            assertThat(a).startsWith(name + "_");
            assertThat(redis.history()).isEmpty();
            assertThat(redis.building()).isEmpty();
            assertThat(redis.lockHolder()).isEmpty();
            assertThat(milvus.aliasTarget(alias)).contains(a);
            assertThat(milvus.rowCount(a)).isEqualTo(ROWS);
            JsonNode r1 = Json.mapper().readTree(Files.readString(report1));
            assertThat(r1.get("outcome").asText()).isEqualTo("ok");
            List<String> steps = new ArrayList<>();
            r1.get("steps").forEach(s -> steps.add(s.get("name").asText() + ":" + s.get("status").asText()));
            assertThat(steps).containsExactly("connect:ok", "check:ok", "build:ok", "warmup:ok", "check_built:ok", "gate:ok",
                    "switch:ok", "probe:ok");
            assertThat(r1.get("counts").get("built_rows").asLong()).isEqualTo(ROWS);

            Thread.sleep(1100); // timestamp naming has one-second resolution
            CliRun second = Cli.run(env(config), "rebuild", "--json");
            assertThat(second.exitCode()).as(second.toString()).isZero();
            String b = redis.current().orElseThrow();
            assertThat(b).isNotEqualTo(a);
            assertThat(redis.history()).containsExactly(a);
            assertThat(milvus.aliasTarget(alias)).contains(b);
            assertThat(milvus.rowCount(b)).isEqualTo(ROWS);
            assertThat(milvus.hasCollection(a)).as("rollback collection kept").isTrue();
            assertThat(Json.mapper().readTree(second.out()).get("pointers").get("serving_after").asText()).isEqualTo(b);

            CliRun status = Cli.run(env(config), "status", "--json");
            JsonNode st = Json.mapper().readTree(status.out());
            assertThat(st.get("pointer").get("current").asText()).isEqualTo(b);
            assertThat(st.get("pointer").get("history").get(0).asText()).isEqualTo(a);
            assertThat(st.get("alias").get("target").asText()).isEqualTo(b);
            Map<String, String> roles = new HashMap<>();
            st.get("collections").forEach(c -> roles.put(c.get("name").asText(), c.get("role").asText()));
            assertThat(roles).containsEntry(b, "serving").containsEntry(a, "rollback");

            PointerState before = redis.read();
            CliRun again = Cli.run(env(config), "switch", "--to", b);
            assertThat(again.exitCode()).as(again.toString()).isZero();
            assertThat(again.out()).contains("already serving");
            assertThat(redis.current()).contains(b);
            assertThat(redis.history()).isEqualTo(before.history());
            assertThat(milvus.aliasTarget(alias)).contains(b);

            CliRun back = Cli.run(env(config), "rollback");
            assertThat(back.exitCode()).as(back.toString()).isZero();
            assertThat(redis.current()).contains(a);
            assertThat(redis.history()).isEmpty();
            assertThat(milvus.aliasTarget(alias)).contains(a);
            assertThat(redis.lockHolder()).isEmpty();
        } finally {
            cleanup(cfg);
        }
    }

    @Test
    void sourceShrunkFortyPercentIsRefusedBeforeBuilding(@TempDir Path dir) throws Exception {
        String name = TestStack.unique("shrink");
        Path config = stack.writeConfigFile(dir, name, small(Map.of()));
        RecallConfig cfg = stack.load(name, small(Map.of())).config();
        String serving = name + "_20240101000000";
        CollectionFixture.build(cfg, serving, ROWS, "FLAT", Map.of());
        try (RedisPointerStore redis = RedisPointerStore.connect(cfg); MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            redis.forceCurrent(serving);
            sql(cfg, "DELETE FROM `" + name + "` WHERE MOD(item_id, 5) < 2");
            List<String> collections = mine(cfg);
            Path report = dir.resolve("r.json");
            CliRun run = Cli.run(env(config), "rebuild", "--report", report.toString());
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
            assertThat(run.err()).contains("thresholds.max_shrink_pct").contains(Long.toString(ROWS));
            assertThat(redis.current()).contains(serving);
            assertThat(redis.building()).isEmpty();
            assertThat(redis.lockHolder()).isEmpty();
            assertThat(mine(cfg)).isEqualTo(collections);
            assertThat(milvus.rowCount(serving)).isEqualTo(ROWS);
            JsonNode r = Json.mapper().readTree(Files.readString(report));
            assertThat(r.get("exit_code").asInt()).isEqualTo(3);
            List<String> steps = new ArrayList<>();
            r.get("steps").forEach(s -> steps.add(s.get("name").asText() + ":" + s.get("status").asText()));
            assertThat(steps).containsExactly("connect:ok", "check:failed");
        } finally {
            cleanup(cfg);
        }
    }

    @Test
    void badRowsOverToleranceStopTheChain(@TempDir Path dir) throws Exception {
        String name = TestStack.unique("bad");
        Map<String, String> o = small(Map.of("thresholds.max_bad_rows", "1%"));
        Path config = stack.writeConfigFile(dir, name, o);
        RecallConfig cfg = stack.load(name, o).config();
        CollectionFixture.seedSource(cfg, ROWS, 5);
        try (RedisPointerStore redis = RedisPointerStore.connect(cfg)) {
            sql(cfg, "UPDATE `" + name + "` SET vector = '[1.0, 2.0' WHERE MOD(item_id, 40) = 0"); // 2.5% malformed
            CliRun run = Cli.run(env(config), "rebuild");
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
            assertThat(run.err()).contains("max_bad_rows");
            assertThat(redis.current()).isEmpty();
            assertThat(redis.building()).isEmpty();
            assertThat(redis.lockHolder()).isEmpty();

            // the same rows under a looser tolerance: built, reconciled per partition, bad ids in the report
            Path report = dir.resolve("r.json");
            CliRun ok = Cli.run(env(config), "rebuild", "--set", "thresholds.max_bad_rows=5%", "--report", report.toString());
            assertThat(ok.exitCode()).as(ok.toString()).isZero();
            JsonNode r = Json.mapper().readTree(Files.readString(report));
            long bad = ROWS / 40;
            assertThat(r.get("counts").get("rejected").asLong()).isEqualTo(bad);
            assertThat(r.get("counts").get("built_rows").asLong()).isEqualTo(ROWS - bad);
            assertThat(r.get("rejected_sample")).hasSize((int) bad)
                    .allSatisfy(x -> assertThat(x.get("id").asLong() % 40).isZero());
            JsonNode check = r.get("steps").get(4);
            assertThat(check.get("name").asText()).isEqualTo("check_built");
            check.get("details").get("partitions").forEach(p -> assertThat(p.get("built").asLong())
                    .isEqualTo(p.get("expected").asLong()));
            assertThat(redis.current()).isPresent();
        } finally {
            cleanup(cfg);
        }
    }

    @Test
    void secondConcurrentRunExitsFiveAtOnceNamingTheHolder(@TempDir Path dir) {
        String name = TestStack.unique("lock");
        Path config = stack.writeConfigFile(dir, name, small(Map.of()));
        RecallConfig cfg = stack.load(name, small(Map.of())).config();
        CollectionFixture.seedSource(cfg, 50, 5);
        try (RedisPointerStore redis = RedisPointerStore.connect(cfg);
             RunLock held = redis.acquireLock("rebuild (test holder)", 30_000, m -> { })) {
            long t0 = System.nanoTime();
            CliRun run = Cli.run(env(config), "rebuild");
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(5);
            assertThat(run.err()).contains("rebuild (test holder)").contains("pid " + ProcessHandle.current().pid());
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(15);
            assertThat(redis.building()).isEmpty();
            assertThat(redis.current()).isEmpty();
            assertThat(redis.lockHolder()).map(l -> l.command()).contains("rebuild (test holder)");
        } finally {
            cleanup(cfg);
        }
    }

    @Test
    void keyOneMovedMidRunExitsSixAndIsNotOverwritten() {
        String name = TestStack.unique("moved");
        RecallConfig cfg = stack.load(name, small(Map.of())).config();
        CollectionFixture.seedSource(cfg, ROWS, 5);
        try (RedisPointerStore redis = RedisPointerStore.connect(cfg)) {
            RebuildChain chain = new RebuildChain(cfg, log(), Progress.none(), Clock.systemUTC(), new RebuildChain.Hooks() {
                @Override
                public void beforeSwitch(String target) {
                    redis.forceCurrent("someone_else");
                }
            });
            assertThatThrownBy(() -> chain.run(false, null)).isInstanceOf(RecallctlException.class)
                    .satisfies(e -> assertThat(((RecallctlException) e).exitCode()).isEqualTo(6));
            assertThat(redis.current()).contains("someone_else");
            assertThat(redis.history()).isEmpty();
            assertThat(redis.building()).isEmpty();
            assertThat(redis.lockHolder()).isEmpty();
        } finally {
            cleanup(cfg);
        }
    }

    @Test
    void staleExpectedValueMakesSwitchExitSix(@TempDir Path dir) {
        String name = TestStack.unique("stale");
        Path config = stack.writeConfigFile(dir, name, small(Map.of()));
        RecallConfig cfg = stack.load(name, small(Map.of())).config();
        String target = name + "_20240101000000";
        CollectionFixture.build(cfg, target, 300, "FLAT", Map.of());
        try (RedisPointerStore redis = RedisPointerStore.connect(cfg)) {
            redis.forceCurrent("someone_else");
            CliRun run = Cli.run(env(config), "switch", "--to", target, "--expect-current", "what_we_saw");
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
            assertThat(redis.current()).contains("someone_else");
            CliRun ok = Cli.run(env(config), "switch", "--to", target);
            assertThat(ok.exitCode()).as(ok.toString()).isZero();
            assertThat(redis.current()).contains(target);
            assertThat(redis.history()).containsExactly("someone_else");
        } finally {
            cleanup(cfg);
        }
    }

    @Test
    void dryRunChangesNothingAnywhere(@TempDir Path dir) throws Exception {
        String name = TestStack.unique("dry");
        Path config = stack.writeConfigFile(dir, name, small(Map.of()));
        RecallConfig cfg = stack.load(name, small(Map.of())).config();
        String serving = name + "_20240102000000";
        CollectionFixture.build(cfg, serving, 500, "FLAT", Map.of());
        try (RedisPointerStore redis = RedisPointerStore.connect(cfg); MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            redis.forceCurrent(serving);
            String sum = checksum(cfg);
            PointerState pointers = redis.read();
            List<String> collections = milvus.listCollections();
            CliRun run = Cli.run(env(config), "rebuild", "--dry-run");
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains("dry run: nothing was changed").contains(serving).contains("500");
            CliRun json = Cli.run(env(config), "rebuild", "--dry-run", "--json");
            assertThat(json.exitCode()).as(json.toString()).isZero();
            JsonNode plan = Json.mapper().readTree(json.out()).get("steps").get(0).get("details").get("plan");
            assertThat(plan.get("serving").asText()).isEqualTo(serving);
            assertThat(plan.get("source_rows").asLong()).isEqualTo(500);
            assertThat(plan.get("serving_rows").asLong()).isEqualTo(500);
            assertThat(plan.get("target").asText()).startsWith(name + "_").isNotEqualTo(serving);
            assertThat(checksum(cfg)).isEqualTo(sum);
            assertThat(redis.read()).isEqualTo(pointers);
            assertThat(milvus.listCollections()).containsExactlyInAnyOrderElementsOf(collections);
        } finally {
            cleanup(cfg);
        }
    }

    @Test
    void milvusStoppedMidBuildExitsFourInBoundedTimeAndTheNextRunSucceeds() {
        String name = TestStack.unique("outage");
        try (ServerProcess server = ServerProcess.milvusLite(stack)) {
            Map<String, String> o = small(Map.of("milvus.write_uri", "http://127.0.0.1:" + server.port(),
                    "milvus.rpc_deadline_ms", "3000", "milvus.max_retries", "1", "milvus.max_retry_ms", "3000",
                    "milvus.connect_timeout_ms", "2000", "build.batch_rows", "100"));
            RecallConfig cfg = stack.load(name, o).config();
            CollectionFixture.seedSource(cfg, ROWS, 5);
            try (RedisPointerStore redis = RedisPointerStore.connect(cfg)) {
                new RebuildChain(cfg, log(), Progress.none(), Clock.systemUTC(), null).run(false, null);
                String a = redis.current().orElseThrow();

                AtomicBoolean stopped = new AtomicBoolean();
                AtomicLong stoppedAt = new AtomicLong();
                RebuildChain.Hooks killer = new RebuildChain.Hooks() {
                    @Override
                    public BuildListener buildListener() {
                        return new BuildListener() {
                            @Override
                            public void batchWritten(int partition, int rows) {
                                if (stopped.compareAndSet(false, true)) {
                                    server.stop();
                                    stoppedAt.set(System.nanoTime());
                                }
                            }
                        };
                    }
                };
                sleep(1100);
                assertThatThrownBy(() -> new RebuildChain(cfg, log(), Progress.none(), Clock.systemUTC(), killer)
                        .run(false, null)).isInstanceOf(RecallctlException.class)
                        .satisfies(e -> assertThat(((RecallctlException) e).exitCode()).isEqualTo(4))
                        .hasMessageContaining("Milvus");
                assertThat(stopped).isTrue();
                assertThat((System.nanoTime() - stoppedAt.get()) / 1e9).as("bounded by deadline x retries").isLessThan(60);
                assertThat(redis.current()).contains(a);
                assertThat(redis.building()).isEmpty();
                assertThat(redis.lockHolder()).isEmpty();

                server.start();
                sleep(1100);
                new RebuildChain(cfg, log(), Progress.none(), Clock.systemUTC(), null).run(false, null);
                assertThat(redis.current()).isPresent().get().isNotEqualTo(a);
                assertThat(redis.history()).containsExactly(a);
            } finally {
                cleanup(cfg);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
