package org.recallctl.error;

/**
 * A failure we expected and can explain in one line. The CLI prints {@link #getMessage()} and exits with
 * {@link #exitCode()}; anything else that escapes is an internal error (exit 1).
 */
public class RecallctlException extends RuntimeException {
    private final int exitCode;

    public RecallctlException(int exitCode, String message) {
        this(exitCode, message, null);
    }

    public RecallctlException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    private volatile boolean reported;

    /** The message is already on stderr (printed where the JVM might halt before the CLI could print it). */
    public RecallctlException reported() {
        reported = true;
        return this;
    }

    public boolean wasReported() {
        return reported;
    }
}
