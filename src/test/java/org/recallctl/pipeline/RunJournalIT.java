package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.RecallConfig;
import org.recallctl.output.Json;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.pointer.RunLock;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.TestStack;

/**
 * Issue 12 §5: every run of a mutating command lands in the run journal in Redis, whatever its outcome, and
 * {@code status --runs} / plain {@code status} show it. Fails when the journal observer is not among the
 * runner's standard observers (no entries), or when an outcome or exit code is recorded wrongly.
 */
@Tag("integration")
class RunJournalIT {
    private final TestStack stack = TestStack.get();
    @TempDir
    Path dir;
    private RecallConfig cfg;

    @AfterEach
    void cleanup() {
        if (cfg == null) {
            return;
        }
        CollectionFixture.dropPipeline(cfg, cfg.pipeline());
    }

    @Test
    void successfulRefusedFailedAndLockedRunsAreListedWithTheirExitCodes() throws Exception {
        String name = TestStack.unique("journal");
        Map<String, String> s = new HashMap<>();
        s.put("warmup.max_queries", "20");
        s.put("warmup.window", "10");
        s.put("build.batch_rows", "500");
        s.put("thresholds.max_growth_pct", "");
        cfg = stack.load(name, s).config();
        Path conf = stack.writeConfigFile(dir, name, s);
        Map<String, String> env = Map.of("RECALLCTL_CONFIG", conf.toString());
        CollectionFixture.seedSource(cfg, 600, 5);

        CliRun ok = Cli.run(env, "rebuild", "--report", dir.resolve("ok.json").toString());
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        CliRun refused = Cli.run(env, "rebuild", "--set", "thresholds.min_rows=100000");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(3);
        CliRun failed = Cli.run(env, "switch", "--to", name + "_does_not_exist");
        assertThat(failed.exitCode()).as(failed.toString()).isNotZero().isNotEqualTo(5);
        int failedCode = failed.exitCode();
        CliRun locked;
        try (RedisPointerStore p = RedisPointerStore.connect(cfg);
             RunLock held = p.acquireLock("rebuild (someone else)", 60_000, m -> { })) {
            locked = Cli.run(env, "rebuild");
        }
        assertThat(locked.exitCode()).as(locked.toString()).isEqualTo(5);

        CliRun json = Cli.run(env, "status", "--runs", "10", "--json");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        JsonNode runs = Json.mapper().readTree(json.out());
        List<String> commands = new ArrayList<>();
        List<Integer> codes = new ArrayList<>();
        runs.forEach(r -> {
            commands.add(r.path("command").asText());
            codes.add(r.path("exit_code").asInt());
        });
        assertThat(codes).as(runs.toString()).containsExactly(5, failedCode, 3, 0);
        assertThat(commands.get(1)).startsWith("switch");
        assertThat(commands.get(0)).isEqualTo("rebuild");
        JsonNode first = runs.get(3);
        assertThat(first.path("outcome").asText()).isEqualTo("ok");
        assertThat(first.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(first.path("user").asText()).isEqualTo(System.getProperty("user.name"));
        assertThat(first.path("host").asText()).isNotEmpty();
        assertThat(first.path("report").asText()).isEqualTo(dir.resolve("ok.json").toAbsolutePath().toString());
        assertThat(first.path("steps")).extracting(n -> n.path("name").asText())
                .contains("check", "build", "warmup", "check_built", "switch");
        assertThat(first.path("steps").get(0).has("duration_s")).isTrue();
        assertThat(first.at("/counts/written").asLong()).isEqualTo(600);
        assertThat(first.at("/collections/serving_after").asText()).startsWith(name);
        assertThat(first.path("started_at").asText()).isNotEmpty();
        assertThat(first.path("ended_at").asText()).isNotEmpty();
        assertThat(runs.get(2).path("outcome").asText()).isEqualTo("failed");
        assertThat(runs.get(2).path("error").asText()).contains("thresholds.min_rows");
        assertThat(runs.get(0).path("error").asText()).contains("someone else");

        CliRun two = Cli.run(env, "status", "--runs", "2", "--json");
        assertThat(Json.mapper().readTree(two.out()).size()).isEqualTo(2);

        CliRun table = Cli.run(env, "status", "--runs");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.out()).contains("COMMAND").contains("OUTCOME").contains("EXIT")
                .contains("thresholds.min_rows").contains("check_built=");
        assertThat(table.out().lines().filter(l -> l.contains(" rebuild ")).count()).isEqualTo(3);

        CliRun status = Cli.run(env, "status");
        assertThat(status.out()).as(status.toString()).containsPattern("last run: \\S+  rebuild: failed \\(exit 5, ");
    }
}
