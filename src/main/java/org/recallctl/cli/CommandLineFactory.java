package org.recallctl.cli;

import picocli.CommandLine;

/** Builds the one {@link CommandLine} that {@code main}, the shell and the tests all use. */
public final class CommandLineFactory {
    private CommandLineFactory() {
    }

    /** Everything the command line prints goes through {@code context}'s redactor (see {@link CliContext#redacting}). */
    public static CommandLine create(CliContext unguarded) {
        CliContext context = unguarded.redacting();
        CommandLine cl = new CommandLine(RecallCtl.class, new ContextFactory(context));
        cl.setOut(context.out());
        cl.setErr(context.err());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(new ErrorReporter(context));
        cl.setParameterExceptionHandler(new UsageErrorReporter());
        return cl;
    }

    /** The command model over discarded streams: for generating completions and man pages, and for tests. */
    public static CommandLine detached() {
        return create(new CliContext(new java.io.PrintWriter(java.io.Writer.nullWriter()),
                new java.io.PrintWriter(java.io.Writer.nullWriter()), new java.util.HashMap<>(), null, false,
                new org.recallctl.config.Redactor()));
    }
}
