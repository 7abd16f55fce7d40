package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.RecallConfig;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.TestStack;

/**
 * Issue 14 §3, the recorded check: a cron-style run (the real launcher, no terminal, stdin closed, CI=true, a bare
 * environment) writes the metrics textfile; a failing run after it keeps the rebuild's series and its last success.
 */
@Tag("integration")
class MetricsTextfileIT {
    private final TestStack stack = TestStack.get();
    @TempDir
    Path dir;

    private CliRun cron(String... args) throws Exception {
        String project = System.getenv().getOrDefault("RECALLCTL_PROJECT_DIR", Path.of("").toAbsolutePath().toString());
        List<String> cmd = new ArrayList<>(List.of(project + "/bin/recallctl"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> !List.of("PATH", "JAVA_HOME", "HOME", "LANG").contains(k)); // what cron passes on
        env.put("CI", "true");
        Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        var err = new java.util.concurrent.CompletableFuture<String>();
        new Thread(() -> {
            try {
                err.complete(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                err.completeExceptionally(e);
            }
        }).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        return new CliRun(p.exitValue(), out, err.join());
    }

    @Test
    void aCronStyleRebuildWritesTheTextfileAndAFailureKeepsTheLastSuccess() throws Exception {
        String name = TestStack.unique("metrics");
        Path prom = dir.resolve("textfile_collector/recallctl.prom");
        Map<String, String> o = Map.of("warmup.max_queries", "30", "warmup.window", "10", "build.batch_rows", "500",
                "metrics.textfile", prom.toString());
        Path conf = stack.writeConfigFile(dir, name, o);
        RecallConfig cfg = stack.load(name, o).config();
        CollectionFixture.seedSource(cfg, 300, 4);
        try {
            CliRun rebuild = cron("--config", conf.toString(), "-q", "rebuild");
            assertThat(rebuild.exitCode()).as(rebuild.toString()).isZero();
            assertThat(rebuild.err()).as("a quiet cron run prints nothing on stderr").isEmpty();
            String text = Files.readString(prom);
            String labels = "{command=\"rebuild\",pipeline=\"" + name + "\"}";
            assertThat(text).contains("recallctl_last_run_success" + labels + " 1.0")
                    .contains("recallctl_last_run_exit_code" + labels + " 0.0")
                    .containsPattern("recallctl_last_success_timestamp_seconds\\Q" + labels + "\\E \\d\\.\\d+E9")
                    .contains("recallctl_last_run_rows{command=\"rebuild\",kind=\"written\",pipeline=\"" + name + "\"} 300.0")
                    .containsPattern("recallctl_last_run_step_duration_seconds\\{command=\"rebuild\",pipeline=\""
                            + name + "\",step=\"build\"} \\d")
                    .containsPattern("recallctl_serving_collection_info\\{collection=\"" + name + "_\\d{14}\",pipeline=\""
                            + name + "\"} 1");
            String lastSuccess = line(text, "recallctl_last_success_timestamp_seconds" + labels);

            CliRun badSwitch = cron("--config", conf.toString(), "-q", "switch", "--to", name + "_19990101000000");
            assertThat(badSwitch.exitCode()).as(badSwitch.toString()).isNotZero();
            String after = Files.readString(prom);
            assertThat(after).contains("recallctl_last_run_success{command=\"switch\",pipeline=\"" + name + "\"} 0.0")
                    .contains("recallctl_last_run_exit_code{command=\"switch\",pipeline=\"" + name + "\"} "
                            + (double) badSwitch.exitCode())
                    .contains(lastSuccess).contains("recallctl_last_run_success" + labels + " 1.0");
        } finally {
            try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus()); RedisPointerStore r = RedisPointerStore.connect(cfg)) {
                for (String c : new CollectionNaming(cfg.collection()).generations(m.listCollections())) {
                    m.dropCollection(c);
                }
                r.deleteAll();
            }
        }
    }

    private static String line(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix + " ")).findFirst().orElseThrow();
    }
}
