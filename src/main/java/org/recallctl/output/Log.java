package org.recallctl.output;

import java.io.PrintWriter;
import org.recallctl.config.Redactor;

/**
 * Human log lines on stderr, never stdout, always passed through the redactor. {@code --quiet} keeps only
 * warnings; {@code --verbose} adds debug lines.
 */
public final class Log {
    public enum Level { QUIET, NORMAL, VERBOSE }

    private final PrintWriter err;
    private final Redactor redactor;
    private final Level level;

    public Log(PrintWriter err, Redactor redactor, Level level) {
        this.err = err;
        this.redactor = redactor;
        this.level = level;
    }

    public void info(String fmt, Object... args) {
        if (level != Level.QUIET) {
            emit("", fmt, args);
        }
    }

    public void warn(String fmt, Object... args) {
        emit("warning: ", fmt, args);
    }

    /** The CLI's one-line error, exactly as the error handler prints it at exit. */
    public void error(String message) {
        emit(ERROR_PREFIX, "%s", message);
    }

    public static final String ERROR_PREFIX = "recallctl: error: ";

    public void debug(String fmt, Object... args) {
        if (level == Level.VERBOSE) {
            emit("debug: ", fmt, args);
        }
    }

    public boolean verbose() {
        return level == Level.VERBOSE;
    }

    public PrintWriter err() {
        return err;
    }

    public Redactor redactor() {
        return redactor;
    }

    private synchronized void emit(String prefix, String fmt, Object... args) {
        String text = args.length == 0 ? fmt : String.format(fmt, args);
        err.println(prefix + redactor.redact(text));
        err.flush();
    }
}
