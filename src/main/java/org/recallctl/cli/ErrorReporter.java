package org.recallctl.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.recallctl.error.ExitCodes;
import org.recallctl.error.RecallctlException;
import org.recallctl.output.Json;
import org.recallctl.output.Log;
import picocli.CommandLine;

/**
 * The one place that turns a failure into an exit code and a message: one redacted line on stderr, the stack
 * trace only with {@code --verbose}, and with {@code --json} also an error document on stdout for scripts.
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {
    private final CliContext context;

    ErrorReporter(CliContext context) {
        this.context = context;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
        Throwable cause = unwrap(ex);
        int code;
        String message;
        if (cause instanceof RecallctlException re) {
            code = re.exitCode();
            message = re.getMessage();
        } else if (cause instanceof InterruptedException) {
            code = ExitCodes.INTERRUPTED;
            message = "interrupted";
        } else {
            code = ExitCodes.UNEXPECTED;
            message = "internal error: " + cause.getClass().getName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        }
        message = context.redactor().redact(message);
        GlobalOptions global = GlobalOptions.of(cl.getCommandSpec());
        boolean verbose = global.verbose;
        PrintWriter err = cl.getErr();
        if (!(cause instanceof RecallctlException re && re.wasReported())) {
            err.println(Log.ERROR_PREFIX + message);
        }
        if (verbose) {
            StringWriter trace = new StringWriter();
            cause.printStackTrace(new PrintWriter(trace));
            err.print(context.redactor().redact(trace.toString()));
        } else if (code == ExitCodes.UNEXPECTED || code == ExitCodes.DEPENDENCY) {
            err.println("recallctl: rerun with --verbose for details");
        }
        err.flush();
        if (global.json) {
            var doc = Json.object();
            doc.putObject("error").put("exit_code", code).put("message", message);
            Json.print(cl.getOut(), doc);
        }
        return code;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable cur = t;
        while ((cur instanceof CommandLine.ExecutionException || cur instanceof java.util.concurrent.ExecutionException
                || cur instanceof java.util.concurrent.CompletionException) && cur.getCause() != null) {
            cur = cur.getCause();
        }
        return cur;
    }
}
