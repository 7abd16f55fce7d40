package org.recallctl.cli;

import picocli.CommandLine;

/**
 * Bad arguments: one line naming the problem, picocli's "did you mean" suggestions, and where to look; never the
 * whole usage text, which buries the message at 3 a.m. Exit 2.
 */
final class UsageErrorReporter implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) throws Exception {
        CommandLine cl = ex.getCommandLine();
        cl.getErr().println("recallctl: error: " + ex.getMessage());
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, cl.getErr())) {
            cl.getErr().println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
        }
        cl.getErr().flush();
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }
}
