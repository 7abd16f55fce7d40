package org.recallctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.Redactor;
import org.recallctl.output.Json;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;
import picocli.CommandLine;

class CliTest {
    private static final List<String> COMMANDS = List.of("status", "check", "build", "warmup", "switch", "rebuild",
            "rollback", "prune", "search", "bench", "shell", "config", "demo", "install-cds");

    @TempDir
    Path dir;

    @Test
    void helpListsEveryCommandAndTheExitCodes() {
        CliRun r = Cli.run("--help");
        assertThat(r.exitCode()).isZero();
        for (String c : COMMANDS) {
            assertThat(r.out()).containsPattern("(?m)^  " + c + "\\s+\\S");
        }
        assertThat(r.out()).contains("Exit codes:").contains("4     a dependency is unreachable")
                .contains("6     the pointer moved under us");
    }

    @Test
    void everyCommandIsDocumentedAndHasItsOwnHelp() {
        CliContext ctx = new CliContext(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                new HashMap<>(), null, false, new Redactor());
        CommandLine root = CommandLineFactory.create(ctx);
        assertThat(root.getSubcommands().keySet()).containsAll(COMMANDS);
        walk(root);
    }

    private void walk(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            String[] description = sub.getCommandSpec().usageMessage().description();
            assertThat(description).as(sub.getCommandSpec().qualifiedName() + " has a description").isNotEmpty();
            assertThat(description[0]).as(sub.getCommandSpec().qualifiedName() + " describes itself, not the root")
                    .doesNotStartWith("Rebuild, switch, search and tune");
            List<String> path = List.of(sub.getCommandSpec().qualifiedName(" ").split(" "));
            String[] args = path.subList(1, path.size()).toArray(new String[0]);
            String[] withHelp = java.util.Arrays.copyOf(args, args.length + 1);
            withHelp[args.length] = "--help";
            CliRun r = Cli.run(withHelp);
            assertThat(r.exitCode()).as(String.join(" ", withHelp)).isZero();
            assertThat(r.out()).contains("Usage: " + sub.getCommandSpec().qualifiedName());
            walk(sub);
        }
    }

    @Test
    void versionPrintsTheBuildVersion() {
        CliRun r = Cli.run("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("recallctl ").doesNotContain("${project.version}").doesNotContain("unknown");
    }

    @Test
    void unknownCommandOrOptionIsAUsageErrorWithAHint() {
        CliRun r = Cli.run("stauts");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("recallctl: error: Unmatched argument").contains("status");
        assertThat(r.out()).isEmpty();
        CliRun opt = Cli.run("status", "--bogus");
        assertThat(opt.exitCode()).isEqualTo(2);
        assertThat(opt.err()).contains("Unknown option: '--bogus'");
        assertThat(Cli.run().exitCode()).isEqualTo(2);
    }

    @Test
    void configErrorIsOneLineOnStderrWithExitTwoAndATraceOnlyWhenVerbose() {
        CliRun r = Cli.run("config", "validate", "--set", "collection.partitons=3");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip().lines()).containsExactly(
                "recallctl: error: unknown config key 'collection.partitons' (--set collection.partitons); "
                        + "did you mean 'collection.partitions'?");
        assertThat(r.out()).isEmpty();
        CliRun verbose = Cli.run("config", "validate", "--verbose", "--set", "collection.partitons=3");
        assertThat(verbose.exitCode()).isEqualTo(2);
        assertThat(verbose.err()).contains("at org.recallctl.");
    }

    @Test
    void configShowRedactsSecretsFromEveryLayer() throws Exception {
        Files.writeString(dir.resolve("pw"), "file-secret-123");
        Path conf = dir.resolve("c.yaml");
        Files.writeString(conf, "source:\n  password_file: pw\nalert:\n  webhook_url: https://hooks.example/T0K3N\n");
        Map<String, String> env = Map.of("RECALLCTL_REDIS_PASSWORD", "env-secret-456", "RECALLCTL_CONFIG", conf.toString());
        CliRun table = Cli.run(env, "config", "show", "--set", "milvus.token=root:set-secret-789");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        CliRun json = Cli.run(env, "config", "show", "--json", "--set", "milvus.token=root:set-secret-789");
        for (CliRun r : List.of(table, json)) {
            assertThat(r.out() + r.err()).doesNotContain("file-secret-123").doesNotContain("env-secret-456")
                    .doesNotContain("set-secret-789").doesNotContain("T0K3N");
        }
        assertThat(table.out()).containsPattern("redis.password\\s+\\*\\*\\*\\*\\s+env RECALLCTL_REDIS_PASSWORD");
        JsonNode doc = Json.mapper().readTree(json.out());
        assertThat(doc.at("/keys/milvus.token/value").asText()).isEqualTo("****");
        assertThat(doc.at("/keys/milvus.token/origin").asText()).isEqualTo("--set milvus.token");
        assertThat(doc.at("/keys/source.password_file/value").asText()).isEqualTo("pw");
    }

    /** Issue 14 §1: the global options work wherever people type them, as in git and kubectl. */
    @Test
    void globalOptionsWorkBeforeAndAfterTheCommandName() throws Exception {
        Path conf = dir.resolve("c.yaml");
        Files.writeString(conf, "collection:\n  partitions: 3\n");
        String f = conf.toString();
        List<List<String>> layouts = List.of(
                List.of("--config", f, "--set", "search.topk=7", "--json", "config", "show"),
                List.of("config", "show", "--config", f, "--set", "search.topk=7", "--json"),
                List.of("--config=" + f, "config", "--json", "show", "--set=search.topk=7"),
                List.of("--json", "--set", "search.topk=7", "config", "--config", f, "show"));
        for (List<String> args : layouts) {
            CliRun r = Cli.run(args.toArray(String[]::new));
            assertThat(r.exitCode()).as(args + ": " + r).isZero();
            JsonNode doc = Json.mapper().readTree(r.out());
            assertThat(doc.at("/file").asText()).as(args.toString()).isEqualTo(f);
            assertThat(doc.at("/keys/collection.partitions/value").asText()).as(args.toString()).isEqualTo("3");
            assertThat(doc.at("/keys/search.topk/value").asText()).as(args.toString()).isEqualTo("7");
            assertThat(doc.at("/keys/search.topk/origin").asText()).isEqualTo("--set search.topk");
        }
        // --set pairs from before and after the command add up; the later one wins for the same key
        CliRun both = Cli.run("--set", "search.topk=7", "--set", "warmup.max_queries=11", "config", "show", "--json",
                "--set", "search.topk=9");
        assertThat(both.exitCode()).as(both.toString()).isZero();
        JsonNode doc = Json.mapper().readTree(both.out());
        assertThat(doc.at("/keys/search.topk/value").asText()).isEqualTo("9");
        assertThat(doc.at("/keys/warmup.max_queries/value").asText()).isEqualTo("11");
        // -v before the command: the stack trace; --json before it: the error as JSON on stdout
        CliRun verbose = Cli.run("-v", "config", "validate", "--set", "collection.partitons=3");
        assertThat(verbose.exitCode()).isEqualTo(2);
        assertThat(verbose.err()).contains("at org.recallctl.");
        CliRun jsonError = Cli.run("--json", "config", "validate", "--set", "nope.key=1");
        assertThat(jsonError.exitCode()).isEqualTo(2);
        assertThat(Json.mapper().readTree(jsonError.out()).at("/error/exit_code").asInt()).isEqualTo(2);
        // and every command's help lists them
        assertThat(Cli.run("rebuild", "--help").out()).contains("--config=FILE").contains("--set=KEY=VALUE")
                .contains("--verbose").contains("--quiet").contains("--json");
    }

    @Test
    void installCdsOutsideTheLauncherSaysHowToRunIt() {
        CliRun r = Cli.run("install-cds");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("run it through bin/recallctl").contains("--archive FILE");
    }

    @Test
    void jsonModeAlsoReportsErrorsAsJsonOnStdout() throws Exception {
        CliRun r = Cli.run("config", "show", "--json", "--set", "nope.key=1");
        assertThat(r.exitCode()).isEqualTo(2);
        JsonNode doc = Json.mapper().readTree(r.out());
        assertThat(doc.at("/error/exit_code").asInt()).isEqualTo(2);
        assertThat(doc.at("/error/message").asText()).contains("nope.key");
    }
}
