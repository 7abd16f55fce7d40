package org.recallctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.output.Json;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.TestStack;
import picocli.CommandLine;

/**
 * Issue 14 §2, black-box: the tarball {@code mvn package} builds, unpacked with tar into a fresh directory and run
 * from another working directory through a symlink, as an operator installs it (README "Install").
 */
@Tag("integration")
class DistributionIT {
    private final TestStack stack = TestStack.get();
    @TempDir
    Path prefix;
    @TempDir
    Path workDir;

    @Test
    void unpackedArchiveRunsHelpVersionAndStatusFromAnotherDirectory() throws Exception {
        Path tarball = Path.of(System.getProperty("recallctl.dist", "target/recallctl-dist.tar.gz"));
        assertThat(tarball).as("built by mvn package").isRegularFile();
        List<String> entries = List.of(run(prefix, List.of("tar", "tzf", tarball.toString()), Map.of()).out().split("\n"));
        assertThat(entries).as("no class-data-sharing archive is shipped: it belongs to the target machine")
                .noneMatch(e -> e.endsWith(".jsa"));
        assertThat(run(prefix, List.of("tar", "xzf", tarball.toString()), Map.of()).exitCode()).isZero();
        Path home;
        try (Stream<Path> top = Files.list(prefix)) {
            home = top.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertThat(home.getFileName().toString()).startsWith("recallctl-");
        assertThat(Files.getPosixFilePermissions(home.resolve("bin/recallctl"))).contains(PosixFilePermission.OWNER_EXECUTE);
        for (String f : List.of("lib/recallctl.jar", "conf/recallctl.yaml", "completions/recallctl.bash",
                "completions/_recallctl.zsh", "README.md", "LICENSE", "examples/recallctl.cron",
                "examples/recallctl-rebuild.service", "examples/recallctl-rebuild.timer")) {
            assertThat(home.resolve(f)).as(f).isRegularFile();
        }
        assertThat(Files.readString(home.resolve("examples/recallctl.cron"))).contains("rebuild --dry-run")
                .contains("rebuild --report");
        assertThat(Files.readString(home.resolve("examples/recallctl-rebuild.service")))
                .contains("ExecStartPre=/usr/local/bin/recallctl -q rebuild --dry-run").contains("rebuild --report");
        assertEveryCommandHasAManPage(home.resolve("man/man1"));

        // installed as README says: a link in a bin directory on the PATH, run from somewhere else entirely
        Path binDir = Files.createDirectories(workDir.resolve("usr-local-bin"));
        Path link = Files.createSymbolicLink(binDir.resolve("recallctl"), home.resolve("bin/recallctl"));
        CliRun help = launch(link, Map.of(), "--help");
        assertThat(help.exitCode()).as(help.toString()).isZero();
        assertThat(help.out()).contains("Usage: recallctl").contains("install-cds").contains("Exit codes:");
        assertThat(help.err()).as("a clean first run: no error, no JVM warning").isEmpty();
        try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
            assertThat(lib.map(p -> p.getFileName().toString())).as("the first run made the archive for this Java")
                    .anyMatch(n -> n.matches("recallctl-\\d+\\.jsa"));
        }
        CliRun version = launch(link, Map.of(), "--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("recallctl " + System.getProperty("recallctl.version", ""));
        assertThat(version.err()).isEmpty();

        // without RECALLCTL_CONFIG it reads the installation's own conf/recallctl.yaml
        CliRun shown = launch(link, Map.of(), "--json", "config", "show");
        assertThat(shown.exitCode()).as(shown.toString()).isZero();
        assertThat(Json.mapper().readTree(shown.out()).at("/file").asText())
                .isEqualTo(home.resolve("conf/recallctl.yaml").toString());

        // status against the stack, global options before the command name
        String name = TestStack.unique("dist");
        Path conf = stack.writeConfigFile(workDir, name, Map.of());
        CliRun seed = launch(link, Map.of(), "--config", conf.toString(), "-q", "demo", "seed", "--items", "40");
        assertThat(seed.exitCode()).as(seed.toString()).isZero();
        assertThat(seed.err()).as("-q before the command silences progress").isEmpty();
        CliRun status = launch(link, Map.of("RECALLCTL_CONFIG", conf.toString()), "--json", "status");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        JsonNode doc = Json.mapper().readTree(status.out());
        assertThat(doc.at("/source/rows").asLong()).isEqualTo(40);
        CliRun table = launch(link, Map.of("RECALLCTL_CONFIG", conf.toString()), "status");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.out()).contains("pipeline " + name).contains("source table " + name + ": 40 rows");

        // the archive again, by hand (after a Java upgrade, say): where the launcher looks for it
        CliRun cds = launch(link, Map.of(), "install-cds", "--json");
        assertThat(cds.exitCode()).as(cds.toString()).isZero();
        JsonNode made = Json.mapper().readTree(cds.out());
        assertThat(Path.of(made.at("/archive").asText()).getParent()).isEqualTo(home.resolve("lib"));
        assertThat(made.at("/bytes").asLong()).isPositive();
    }

    /** One troff page per command of the live model, each naming its own options. */
    private static void assertEveryCommandHasAManPage(Path man1) throws IOException {
        List<CommandLine> all = new ArrayList<>();
        collect(CommandLineFactory.detached(), all);
        for (CommandLine cl : all) {
            String page = cl.getCommandSpec().qualifiedName("-");
            Path file = man1.resolve(page + ".1");
            assertThat(file).as(page).isRegularFile();
            String troff = Files.readString(file);
            assertThat(troff).as(page).contains(".TH \"" + page.toUpperCase(java.util.Locale.ROOT).replace("-", "\\-") + "\" \"1\"");
            for (var opt : cl.getCommandSpec().options()) {
                String name = opt.negatable() ? "\\-\\-[no\\-]" + opt.longestName().substring(2).replace("-", "\\-")
                        : opt.longestName().replace("-", "\\-");
                assertThat(troff).as(page + " documents " + opt.longestName()).contains(name);
            }
        }
    }

    private static void collect(CommandLine cl, List<CommandLine> into) {
        into.add(cl);
        cl.getSubcommands().values().forEach(sub -> collect(sub, into));
    }

    private CliRun launch(Path launcher, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        return run(workDir, cmd, env);
    }

    /** A clean environment: none of this test run's RECALLCTL_ variables, a private HOME. */
    private CliRun run(Path dir, List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("RECALLCTL_"));
        e.put("HOME", workDir.toString());
        e.putAll(new HashMap<>(env));
        Process p = pb.start();
        p.getOutputStream().close();
        var err = p.getErrorStream();
        var errText = new java.util.concurrent.CompletableFuture<String>();
        Thread t = new Thread(() -> {
            try {
                errText.complete(new String(err.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ex) {
                errText.completeExceptionally(ex);
            }
        });
        t.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as(String.join(" ", cmd)).isTrue();
        return new CliRun(p.exitValue(), out, errText.join());
    }
}
