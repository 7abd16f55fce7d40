package org.recallctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.output.Json;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.TestStack;

/** Black-box: the real launcher and shaded jar, from another directory, as an operator runs them. */
@Tag("integration")
class LauncherIT {
    private final TestStack stack = TestStack.get();
    @TempDir
    Path dir;

    private CliRun launch(Map<String, String> env, String... args) throws IOException, InterruptedException {
        String project = System.getenv().getOrDefault("RECALLCTL_PROJECT_DIR", Path.of("").toAbsolutePath().toString());
        List<String> cmd = new ArrayList<>(List.of(project + "/bin/recallctl"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new CliRun(p.exitValue(), out, err);
    }

    @Test
    void launcherRunsFromAnyDirectoryAndReportsStatusAsJson() throws Exception {
        CliRun v = launch(Map.of(), "--version");
        assertThat(v.exitCode()).isZero();
        assertThat(v.out()).startsWith("recallctl ");

        String name = TestStack.unique("launch");
        Path conf = stack.writeConfigFile(dir, name, Map.of());
        CliRun seed = launch(Map.of("RECALLCTL_CONFIG", conf.toString()), "demo", "seed", "--items", "50", "-q");
        assertThat(seed.exitCode()).as(seed.toString()).isZero();
        assertThat(seed.err()).isEmpty();
        CliRun status = launch(Map.of("RECALLCTL_CONFIG", conf.toString()), "status", "--json");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        JsonNode doc = Json.mapper().readTree(status.out());
        assertThat(doc.at("/source/rows").asLong()).isEqualTo(50);
    }

    @Test
    void badConfigExitsTwoWithOneLineAndNoTrace() throws Exception {
        CliRun r = launch(Map.of(), "config", "validate", "--set", "redis.url=http://x");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("redis.url").contains("redis://");
        assertThat(r.out()).isEmpty();
    }
}
