package org.recallctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 §6: Debian's Maven 3.8 writes ANSI resets (ESC[0m) even in batch mode, and they showed up as "[0m[0m" in
 * the captured output of bin/quickstart and bin/test. The project's .mvn/jvm.config turns them off for every mvn
 * run in this tree.
 */
@Tag("integration")
class MavenOutputIT {
    @Test
    void batchModeMavenWritesNoEscapeCodes() throws Exception {
        Path project = Path.of(System.getenv().getOrDefault("RECALLCTL_PROJECT_DIR", "")).toAbsolutePath();
        Process p = new ProcessBuilder("mvn", "-B", "-q", "-o", "validate").directory(project.toFile())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("mvn -B -q validate output").doesNotContain("\u001b");
    }
}
