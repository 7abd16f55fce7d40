package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.RecallConfig;
import org.recallctl.milvus.CollectionSpec;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.output.Json;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.TestStack;

/**
 * Issue 10 §3, the truth after the compare-and-set, on the real stack: once key1 moved the outcome is
 * "switched" (exit 0) whatever the alias does afterwards, with the failure as a warning in the output, the
 * report and the alert; a stale alias on this pipeline's collection is repaired (also by switch --to the
 * serving one); an alias on a foreign collection refuses before the CAS (exit 6, nothing switched) and
 * rebuild --dry-run shows it.
 */
@Tag("integration")
class SwitchTruthIT {
    private final TestStack stack = TestStack.get();
    @TempDir
    Path dir;
    private RecallConfig cfg;
    private String foreign;

    @AfterEach
    void cleanup() {
        try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus()); RedisPointerStore r = RedisPointerStore.connect(cfg)) {
            String alias = cfg.collection().alias();
            if (!alias.isEmpty() && m.aliasTarget(alias).isPresent()) {
                m.dropAlias(alias);
            }
            for (String c : m.listCollections()) {
                if (c.startsWith(cfg.pipeline()) || c.equals(foreign)) {
                    m.dropCollection(c);
                }
            }
            r.deleteAll();
        } catch (RuntimeException ignored) {
            // best effort
        }
    }

    private Path config(String name, Map<String, String> o) {
        cfg = stack.load(name, o).config();
        return stack.writeConfigFile(dir, name, o);
    }

    /**
     * The alias cannot be created after the CAS (Milvus refuses an alias named like an existing collection, a
     * real server error): key1 has moved, so exit 0 with the warning on stdout, in the report and the alert.
     * Fails when the post-CAS alias failure is an error again (exit 4 while key1 HAS moved).
     */
    @Test
    void anAliasFailureAfterTheSwitchIsAWarningInTheOutputTheReportAndTheAlert() throws Exception {
        String name = TestStack.unique("truth");
        String clash = name + "_clash"; // a collection whose name the alias wants
        List<String> alerts = new CopyOnWriteArrayList<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", ex -> {
            alerts.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        hook.start();
        try {
            Path conf = config(name, Map.of("collection.alias", clash));
            String target = name + "_20240101000000";
            CollectionFixture.build(cfg, target, 300, "FLAT", Map.of());
            try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus())) {
                m.createCollection(new CollectionSpec(clash, cfg.source().dimension(), cfg.collection().metric(),
                        "id", "v", List.of(), 1));
            }
            Path report = dir.resolve("switch.json");
            CliRun run = Cli.run(Map.of("RECALLCTL_CONFIG", conf.toString(), "RECALLCTL_ALERT_WEBHOOK_URL",
                    "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook"), "switch", "--to", target, "--report",
                    report.toString());
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains("switched: (unset) -> " + target).contains("WARNING")
                    .contains("alias " + clash);
            try (RedisPointerStore p = RedisPointerStore.connect(cfg)) {
                assertThat(p.current()).contains(target);
            }
            JsonNode r = Json.mapper().readTree(Files.readString(report));
            assertThat(r.get("exit_code").asInt()).isZero();
            assertThat(r.get("warnings")).singleElement().satisfies(w -> assertThat(w.asText()).contains(clash));
            assertThat(alerts).hasSize(1);
            JsonNode alert = Json.mapper().readTree(alerts.get(0));
            assertThat(alert.get("exit_code").asInt()).isZero();
            assertThat(alert.get("message").asText()).contains("with warnings").contains(clash);
            assertThat(alert.get("warnings")).hasSize(1);
        } finally {
            hook.stop(0);
        }
    }

    /**
     * The alias was left on this pipeline's older collection (an earlier alias move failed): the next switch
     * repairs it, and so does switch --to the serving collection (idempotent, key1 and history untouched).
     */
    @Test
    void aStaleAliasOnThisPipelinesCollectionIsRepaired() {
        String name = TestStack.unique("stale");
        String alias = name + "_serving";
        Path conf = config(name, Map.of("collection.alias", alias));
        Map<String, String> env = Map.of("RECALLCTL_CONFIG", conf.toString());
        String a = name + "_20240101000000";
        String b = name + "_20240102000000";
        String c = name + "_20240103000000";
        for (String x : List.of(a, b, c)) {
            CollectionFixture.build(cfg, x, 300, "FLAT", Map.of());
        }
        try (RedisPointerStore p = RedisPointerStore.connect(cfg); MilvusGateway m = MilvusGateway.forWrites(cfg.milvus())) {
            p.forceCurrent(b);
            m.pointAlias(alias, a); // stale: key1 moved to b, the alias stayed on a
            CliRun sw = Cli.run(env, "switch", "--to", c);
            assertThat(sw.exitCode()).as(sw.toString()).isZero();
            assertThat(sw.out()).contains("repaired " + alias);
            assertThat(m.aliasTarget(alias)).contains(c);

            m.pointAlias(alias, b); // stale again
            List<String> history = p.history();
            CliRun same = Cli.run(env, "switch", "--to", c);
            assertThat(same.exitCode()).as(same.toString()).isZero();
            assertThat(same.out()).contains("already serving");
            assertThat(m.aliasTarget(alias)).contains(c);
            assertThat(p.current()).contains(c);
            assertThat(p.history()).isEqualTo(history);
            CliRun again = Cli.run(env, "switch", "--to", c);
            assertThat(again.exitCode()).isZero();
            assertThat(m.aliasTarget(alias)).contains(c);
        }
    }

    /**
     * The alias points at a collection that is not this pipeline's (no mark: someone else's): the switch
     * refuses before the CAS (exit 6, key1 and alias untouched), and rebuild --dry-run says so.
     */
    @Test
    void anAliasOnAForeignCollectionRefusesBeforeTheSwitchAndDryRunShowsIt() {
        String name = TestStack.unique("foreign");
        String alias = name + "_serving";
        Path conf = config(name, Map.of("collection.alias", alias, "thresholds.max_growth_pct", ""));
        Map<String, String> env = Map.of("RECALLCTL_CONFIG", conf.toString());
        String serving = name + "_20240101000000";
        String target = name + "_20240102000000";
        foreign = TestStack.unique("someone_elses");
        CollectionFixture.build(cfg, serving, 300, "FLAT", Map.of());
        CollectionFixture.build(cfg, target, 300, "FLAT", Map.of());
        try (RedisPointerStore p = RedisPointerStore.connect(cfg); MilvusGateway m = MilvusGateway.forWrites(cfg.milvus())) {
            m.createCollection(new CollectionSpec(foreign, cfg.source().dimension(), cfg.collection().metric(), "id", "v",
                    List.of(), 1));
            p.forceCurrent(serving);
            m.pointAlias(alias, foreign);
            CliRun sw = Cli.run(env, "switch", "--to", target);
            assertThat(sw.exitCode()).as(sw.toString()).isEqualTo(6);
            assertThat(sw.err()).contains(foreign).contains("not this pipeline's").contains("nothing was switched");
            assertThat(p.current()).contains(serving);
            assertThat(p.history()).isEmpty();
            assertThat(m.aliasTarget(alias)).contains(foreign);

            CliRun dry = Cli.run(env, "rebuild", "--dry-run");
            assertThat(dry.exitCode()).as(dry.toString()).isZero();
            assertThat(dry.out()).contains(foreign + ", NOT this pipeline's collection");
            CliRun dryJson = Cli.run(env, "rebuild", "--dry-run", "--json");
            assertThat(dryJson.out()).contains("alias " + alias + ": at " + foreign + ", NOT this pipeline's collection");
        }
    }
}
