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
}
