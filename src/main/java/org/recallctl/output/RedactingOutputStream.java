package org.recallctl.output;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import org.recallctl.config.Redactor;

/**
 * The byte-stream twin of {@link RedactingWriter}, for {@code System.out} and {@code System.err}: what libraries
 * print there themselves (slf4j-simple, java.util.logging, a stray printStackTrace) is redacted line by line too.
 */
public final class RedactingOutputStream extends OutputStream {
    /** What the wrapped stream and everyone printing to it use: the platform's charset, as System.out does. */
    private static final Charset CHARSET = Charset.defaultCharset();
    private final OutputStream out;
    private final Redactor redactor;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    private RedactingOutputStream(OutputStream out, Redactor redactor) {
        this.out = out;
        this.redactor = redactor;
    }

    /**
     * Not auto-flushing on purpose: an auto-flushing PrintStream flushes after every write, which would emit a
     * line in pieces and let a secret split across two writes through. Lines go out as they end; an explicit
     * flush (a progress line) sends the rest.
     */
    public static PrintStream wrap(PrintStream target, Redactor redactor) {
        return new PrintStream(new RedactingOutputStream(target, redactor), false, CHARSET);
    }

    @Override
    public synchronized void write(int b) throws IOException {
        pending.write(b);
        if (b == '\n') {
            emit();
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        int start = off;
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                pending.write(b, start, i + 1 - start);
                emit();
                start = i + 1;
            }
        }
        pending.write(b, start, off + len - start);
    }

    @Override
    public synchronized void flush() throws IOException {
        emit();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        flush();
        out.close();
    }

    private void emit() throws IOException {
        if (pending.size() > 0) {
            out.write(redactor.redact(pending.toString(CHARSET)).getBytes(CHARSET));
            pending.reset();
        }
    }
}
