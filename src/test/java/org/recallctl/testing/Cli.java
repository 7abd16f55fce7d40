package org.recallctl.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.recallctl.cli.CliContext;
import org.recallctl.cli.CommandLineFactory;
import org.recallctl.config.Redactor;

/** Runs recallctl in-process through the same CommandLine factory as main, capturing both streams. */
public final class Cli {
    private Cli() {
    }

    public static CliRun run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext ctx = new CliContext(new PrintWriter(out, true), new PrintWriter(err, true), env, null, false,
                new Redactor());
        int code = CommandLineFactory.create(ctx).execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Like {@link #run(Map, String...)} with {@code stdin} as standard input. */
    public static CliRun runWithInput(String stdin, Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext ctx = new CliContext(new PrintWriter(out, true), new PrintWriter(err, true), env, null, false,
                new Redactor()).withIn(new java.io.ByteArrayInputStream(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        int code = CommandLineFactory.create(ctx).execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    public static CliRun run(String... args) {
        return run(Map.of(), args);
    }

    /** Runs with {@code --config file} prepended after the subcommand path is the caller's job; this adds env. */
    public static CliRun withConfig(Path config, String... args) {
        return run(Map.of("RECALLCTL_CONFIG", config.toString()), args);
    }
}
