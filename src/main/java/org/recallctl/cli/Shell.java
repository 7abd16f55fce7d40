package org.recallctl.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.reader.impl.completer.NullCompleter;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.reader.impl.completer.SystemCompleter;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.impl.DumbTerminal;
import org.jline.utils.WriterOutputStream;
import picocli.CommandLine;
import picocli.shell.jline3.PicocliCommands;

/**
 * The REPL behind {@code recallctl shell}: jline reads a line, picocli runs it through the same factory as
 * {@code main}, with a context whose connections are the shell's session, so they stay warm between commands.
 * On a real terminal it is a full line editor; with piped input (scripts, tests) it falls back to a dumb
 * terminal over the given streams.
 */
final class Shell {
    static final String PROMPT = "recallctl> ";
    private static final List<String> BUILTINS = List.of("exit", "quit", "help", "timing");

    private final CliContext ctx;
    private final Path historyFile;
    private final List<String> globalArgs;
    private boolean timing;

    /** @param globalArgs the global options the shell was started with, put before every command typed in it */
    Shell(CliContext ctx, Path historyFile, boolean timing, List<String> globalArgs) {
        this.ctx = ctx;
        this.historyFile = historyFile;
        this.timing = timing;
        this.globalArgs = List.copyOf(globalArgs);
    }

    int run() throws IOException {
        // commands inside the shell must not read the shell's own input (e.g. --vector-file -)
        CliContext inner = ctx.withIn(InputStream.nullInputStream());
        try (Terminal terminal = terminal()) {
            LineReader reader = LineReaderBuilder.builder()
                    .appName("recallctl")
                    .terminal(terminal)
                    .completer(completer(inner))
                    .parser(new DefaultParser())
                    .variable(LineReader.HISTORY_FILE, historyFile)
                    .variable(LineReader.HISTORY_SIZE, 1000)
                    .build();
            PrintWriter err = ctx.err();
            int last = 0;
            while (true) {
                String line;
                try {
                    line = reader.readLine(PROMPT);
                } catch (UserInterruptException e) {
                    continue; // Ctrl-C at the prompt drops the line, as in bash
                } catch (EndOfFileException e) {
                    break; // Ctrl-D or end of piped input
                }
                List<String> words = new ArrayList<>();
                for (String w : reader.getParsedLine().words()) {
                    if (!w.isEmpty()) {
                        words.add(w);
                    }
                }
                if (words.isEmpty()) {
                    continue;
                }
                String first = words.get(0);
                if ("exit".equals(first) || "quit".equals(first)) {
                    break;
                }
                if ("timing".equals(first)) {
                    if (words.size() == 2 && ("on".equals(words.get(1)) || "off".equals(words.get(1)))) {
                        timing = "on".equals(words.get(1));
                        ctx.out().println("timing " + (timing ? "on" : "off"));
                    } else {
                        err.println("recallctl: error: usage: timing on|off");
                    }
                    ctx.out().flush();
                    err.flush();
                    continue;
                }
                if ("help".equals(first) && words.size() == 1) {
                    CommandLineFactory.create(inner).usage(ctx.out());
                    ctx.out().println("Shell built-ins: timing on|off, help, exit, quit (or Ctrl-D).");
                    ctx.out().flush();
                    continue;
                }
                if ("shell".equals(first)) {
                    err.println("recallctl: error: already in the shell");
                    err.flush();
                    continue;
                }
                long t0 = System.nanoTime();
                // a fresh CommandLine per line: option values never leak from one command into the next
                List<String> args = new ArrayList<>(globalArgs);
                args.addAll(words);
                last = execute(terminal, CommandLineFactory.create(inner), args.toArray(String[]::new));
                if (timing) {
                    err.printf("(%s: exit %d, %.1f ms)%n", first, last, (System.nanoTime() - t0) / 1e6);
                    err.flush();
                }
            }
            try {
                reader.getHistory().save();
            } catch (IOException e) {
                err.println("recallctl: warning: could not save history to " + historyFile + ": " + e.getMessage());
            }
            return 0;
        }
    }

    /** Runs one command; Ctrl-C on a real terminal interrupts it (exit 130) instead of killing the shell. */
    private static int execute(Terminal terminal, CommandLine cl, String[] args) {
        Thread runner = Thread.currentThread();
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, s -> runner.interrupt());
        try {
            return cl.execute(args);
        } finally {
            terminal.handle(Terminal.Signal.INT, previous);
            Thread.interrupted(); // a late Ctrl-C must not leak into the next readLine
        }
    }

    private Terminal terminal() throws IOException {
        if (ctx.in() == System.in && System.console() != null) {
            return TerminalBuilder.builder().system(true).build();
        }
        // piped input or a test: a dumb terminal over our own streams, no escape sequences, no warnings.
        // (TerminalBuilder.streams(..).type("dumb") builds a terminal that swallows piped lines in jline 3.29.)
        return new DumbTerminal("recallctl", Terminal.TYPE_DUMB, ctx.in(),
                new WriterOutputStream(ctx.out(), StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    static org.jline.reader.Completer completer(CliContext inner) {
        SystemCompleter commands = new PicocliCommands(CommandLineFactory.create(inner)).compileCompleters();
        for (String b : BUILTINS) {
            commands.add(b, "timing".equals(b) ? new StringsCompleter("on", "off") : NullCompleter.INSTANCE);
        }
        commands.compile(); // required before use; picocli-shell-jline3 leaves it to the caller
        return commands;
    }
}
