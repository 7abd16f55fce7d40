package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.RecallConfig;
import org.recallctl.output.Json;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.LaunchedCli;
import org.recallctl.testing.TestStack;

/** The pipeline commands as an operator meets them: warmup on its own, and Ctrl-C in the middle of a rebuild. */
@Tag("integration")
class PipelineCommandsIT {
    private final TestStack stack = TestStack.get();
    @TempDir
    Path dir;

    private static final Map<String, String> SMALL_WARMUP = Map.of("warmup.max_queries", "40", "warmup.window", "10",
            "warmup.timeout_s", "60");

    @Test
    void warmupAloneLoadsAndReportsColdAndWarmLatency() throws Exception {
        String name = TestStack.unique("wu");
        RecallConfig cfg = stack.load(name, SMALL_WARMUP).config();
        CollectionFixture.build(cfg, name + "_a", 300, "FLAT", Map.of());
        Path conf = stack.writeConfigFile(dir, name, SMALL_WARMUP);

        CliRun r = Cli.run("warmup", "--config", conf.toString(), "--collection", name + "_a", "--json", "-q");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode doc = Json.mapper().readTree(r.out());
        assertThat(doc.get("collection").asText()).isEqualTo(name + "_a");
        assertThat(doc.get("queries").asInt()).isBetween(10, 40);
        assertThat(doc.at("/cold/p99_ms").asDouble()).isPositive();
        assertThat(doc.at("/warm/p99_ms").asDouble()).isPositive();

        CliRun table = Cli.run("warmup", "--config", conf.toString(), "--collection", name + "_a", "-q");
        assertThat(table.exitCode()).isZero();
        assertThat(table.out()).contains("cold (first window)").contains("warm (last window)");

        CliRun missing = Cli.run("warmup", "--config", conf.toString(), "--collection", name + "_nope", "-q");
        assertThat(missing.exitCode()).isIn(3, 4);
        assertThat(missing.err()).contains(name + "_nope");
    }

    @Test
    void searchOnAReleasedCollectionNamesTheFixAndWarmupRestoresIt() throws Exception {
        String name = TestStack.unique("rel");
        RecallConfig cfg = stack.load(name, SMALL_WARMUP).config();
        var data = CollectionFixture.build(cfg, name + "_a", 200, "FLAT", Map.of());
        Path conf = stack.writeConfigFile(dir, name, SMALL_WARMUP);
        try (org.recallctl.milvus.MilvusGateway m = org.recallctl.milvus.MilvusGateway.forWrites(cfg.milvus())) {
            m.release(name + "_a"); // what a Milvus restart or an operator's release leaves behind
        }
        long id = data.vectors().keySet().iterator().next();
        CliRun failed = Cli.run("search", "--config", conf.toString(), "--collection", name + "_a", "--item-id",
                Long.toString(id), "-q");
        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(4);
        assertThat(failed.err()).contains("collection " + name + "_a is not loaded")
                .contains("recallctl warmup --collection " + name + "_a");

        assertThat(Cli.run("warmup", "--config", conf.toString(), "--collection", name + "_a", "-q").exitCode()).isZero();
        CliRun ok = Cli.run("search", "--config", conf.toString(), "--collection", name + "_a", "--item-id",
                Long.toString(id), "-q", "--json");
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        JsonNode hit = Json.mapper().readTree(ok.out()).at("/queries/0/hits/0");
        assertThat(hit.get("item_id").asLong()).isEqualTo(id);
        assertThat(hit.path("fields").isEmpty()).as("no fields unless asked for: " + hit).isTrue();
    }

    /**
     * SIGINT to the real launcher while the build writes: exit 130, key2 and the lock cleaned, key1 and the
     * serving collection untouched (safety rule 3), the target released, and the failure alert delivered
     * although the main thread was interrupted (issue 10 §1: the interrupt flag used to fail the POST at once).
     * A real process, since only a real signal runs the hooks.
     */
    @Test
    void ctrlCDuringRebuildCleansKeyTwoAndTheLockAndLeavesKeyOneAlone() throws Exception {
        String name = TestStack.unique("sigint");
        Map<String, String> slow = Map.of("build.batch_rows", "200", "build.writers", "1", "build.readers", "1",
                "warmup.max_queries", "20", "warmup.window", "10");
        RecallConfig cfg = stack.load(name, slow).config();
        CollectionFixture.build(cfg, name + "_serving", 200, "FLAT", Map.of());
        CollectionFixture.seedSource(cfg, 5_000, 3);
        try (RedisPointerStore p = RedisPointerStore.connect(cfg)) {
            p.forceCurrent(name + "_serving");
        }
        // a warmup that never settles: the run is certainly still going (building or warming) when the signal lands
        java.util.List<String> alerts = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer hook = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", ex -> {
            alerts.add(new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        hook.start();
        Path conf = stack.writeConfigFile(dir, name, Map.of("build.batch_rows", "200", "build.writers", "1",
                "build.readers", "1", "thresholds.max_growth_pct", "", "warmup.settle_pct", "0",
                "warmup.max_queries", "1000000", "warmup.timeout_s", "600",
                "alert.webhook_url", "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook"));
        Path report = dir.resolve("interrupted.json");
        try (LaunchedCli run = LaunchedCli.start(dir, "rebuild", "--config", conf.toString(), "--report", report.toString());
             RedisPointerStore p = RedisPointerStore.connect(cfg)) {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Optional<String> building = Optional.empty();
            while (building.isEmpty() && run.isAlive() && System.nanoTime() < until) {
                Thread.sleep(100);
                building = p.building();
            }
            assertThat(building).as("rebuild marked key2; stderr: " + run.stderr()).isPresent();
            Thread.sleep(1_000); // into the build's writes or the endless warmup
            assertThat(run.isAlive()).as("still running when interrupted").isTrue();
            run.interrupt();
            assertThat(run.waitFor(60)).as(run.stderr()).isEqualTo(130);
            assertThat(p.current()).contains(name + "_serving");
            assertThat(p.building()).isEmpty();
            assertThat(p.lockHolder()).isEmpty();
            assertThat(p.history()).isEmpty();
            assertThat(alerts).as(run.stderr()).hasSize(1);
            JsonNode alert = Json.mapper().readTree(alerts.get(0));
            assertThat(alert.get("outcome").asText()).isEqualTo("interrupted");
            assertThat(alert.get("exit_code").asInt()).isEqualTo(130);
            // milvus-lite reports a collection without an index as Loaded even after a release: read the decision
            JsonNode r = Json.mapper().readTree(java.nio.file.Files.readString(report));
            assertThat(r.get("exit_code").asInt()).isEqualTo(130);
            assertThat(r.get("decisions").toString()).contains("released " + building.get());
        } finally {
            hook.stop(0);
        }
    }
}
