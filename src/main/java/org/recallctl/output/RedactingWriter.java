package org.recallctl.output;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import org.recallctl.config.Redactor;

/**
 * A writer that passes every line through the {@link Redactor} before it reaches {@code out}: wrapped around
 * stdout and stderr once, so no table, JSON document, progress line or usage text can carry a secret, whatever
 * the command that prints it. Text is held until a line ends or the writer is flushed, so a secret written in
 * pieces is still seen whole. The redactor is consulted at write time: secrets it learns later still count.
 */
public final class RedactingWriter extends Writer {
    private final Writer out;
    private final Redactor redactor;
    private final StringBuilder pending = new StringBuilder();

    private RedactingWriter(Writer out, Redactor redactor) {
        super(out);
        this.out = out;
        this.redactor = redactor;
    }

    /** {@code target} behind a redacting writer, as an auto-flushing PrintWriter (the CLI's stream type). */
    public static PrintWriter wrap(PrintWriter target, Redactor redactor) {
        return new PrintWriter(new RedactingWriter(target, redactor), true);
    }

    @Override
    public void write(char[] buf, int off, int len) throws IOException {
        synchronized (lock) {
            for (int i = off; i < off + len; i++) {
                char c = buf[i];
                pending.append(c);
                if (c == '\n') {
                    emit();
                }
            }
        }
    }

    @Override
    public void flush() throws IOException {
        synchronized (lock) {
            emit();
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        flush();
        out.close();
    }

    private void emit() throws IOException {
        if (pending.length() > 0) {
            out.write(redactor.redact(pending.toString()));
            pending.setLength(0);
        }
    }
}
