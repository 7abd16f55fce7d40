package org.recallctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jline.reader.Candidate;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.Redactor;
import org.recallctl.testing.CliRun;

/** The REPL driven by scripted input over jline's dumb terminal, exactly as a pipe into 'recallctl shell' is. */
class ShellTest {
    @TempDir
    Path dir;

    static CliRun shell(String script, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext ctx = new CliContext(new PrintWriter(out, true), new PrintWriter(err, true), Map.of(), null, false,
                new Redactor()).withIn(new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)));
        List<String> all = new ArrayList<>(List.of("shell"));
        all.addAll(List.of(args));
        int code = CommandLineFactory.create(ctx).execute(all.toArray(String[]::new));
        return new CliRun(code, out.toString(), err.toString());
    }

    @Test
    void runsCommandsReportsErrorsAndTimesThemUntilExit() throws Exception {
        Path history = dir.resolve("history");
        CliRun run = shell("config show --set search.topk=7\n"
                + "timing on\n"
                + "search --vector '[1, oops]'\n"
                + "timing off\n"
                + "nosuchcommand\n"
                + "shell\n"
                + "exit\n"
                + "config show\n", "--history-file", history.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains(Shell.PROMPT).contains("search.topk").contains("timing on").contains("timing off");
        assertThat(run.out()).containsPattern("search\\.topk\\s+7");
        // a command's error is one line and the shell goes on; timing names the command and its exit code
        assertThat(run.err()).contains("recallctl: error: --vector: malformed number 'oops' at position 1");
        assertThat(run.err()).containsPattern("\\(search: exit 2, [0-9.]+ ms\\)");
        assertThat(run.err()).doesNotContainPattern("\\(nosuchcommand: exit");
        assertThat(run.err()).contains("Unmatched argument").contains("already in the shell");
        // nothing after 'exit' ran: exactly one 'config show' printed its header
        assertThat(run.out().split("# config file:", -1)).hasSize(2);
        assertThat(Files.readString(history)).contains("config show --set search.topk=7").contains("timing on");
    }

    @Test
    void endOfInputEndsTheShellLikeCtrlD() {
        CliRun run = shell("timing on\n", "--history-file", dir.resolve("h").toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("timing on");
    }

    @Test
    void optionValuesDoNotLeakIntoTheNextCommand() {
        CliRun run = shell("config show --set search.topk=7\nconfig show\n", "--history-file", dir.resolve("h").toString());
        assertThat(run.out()).containsPattern("search\\.topk\\s+7").containsPattern("search\\.topk\\s+10");
    }

    @Test
    void tabCompletesCommandsOptionsAndBuiltins() throws Exception {
        CliContext ctx = new CliContext(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                Map.of(), null, false, new Redactor());
        var completer = Shell.completer(ctx);
        try (Terminal t = TerminalBuilder.builder().system(false).type(Terminal.TYPE_DUMB)
                .streams(new ByteArrayInputStream(new byte[0]), new java.io.ByteArrayOutputStream()).build()) {
            LineReader reader = LineReaderBuilder.builder().terminal(t).parser(new DefaultParser()).build();
            assertThat(complete(completer, reader, "sea")).contains("search");
            assertThat(complete(completer, reader, "ti")).contains("timing");
            assertThat(complete(completer, reader, "search --to")).contains("--topk=");
            assertThat(complete(completer, reader, "search --allow")).contains("--allow-partial");
        }
    }

    private static List<String> complete(org.jline.reader.Completer c, LineReader reader, String line) {
        List<Candidate> out = new ArrayList<>();
        c.complete(reader, new DefaultParser().parse(line, line.length()), out);
        return out.stream().map(Candidate::value).toList();
    }

    /** {@code recallctl --config F --set k=v shell}: every command typed in the shell gets them; it may override. */
    @Test
    void globalOptionsGivenToTheShellApplyToEveryCommandInIt() throws Exception {
        Path conf = dir.resolve("c.yaml");
        Files.writeString(conf, "collection:\n  partitions: 3\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext ctx = new CliContext(new PrintWriter(out, true), new PrintWriter(err, true), Map.of(), null, false,
                new Redactor()).withIn(new ByteArrayInputStream(
                        "config show\nconfig show --set search.topk=9\nexit\n".getBytes(StandardCharsets.UTF_8)));
        int code = CommandLineFactory.create(ctx).execute("--config", conf.toString(), "--set", "search.topk=7",
                "shell", "--history-file", dir.resolve("h").toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("# config file: " + conf).containsPattern("collection\\.partitions\\s+3\\s+c\\.yaml")
                .containsPattern("search\\.topk\\s+7\\s+--set").containsPattern("search\\.topk\\s+9\\s+--set");
    }
}
