package org.recallctl.output;

/** One running task of a {@link Progress}. Thread-safe. */
public interface ProgressTask extends AutoCloseable {
    ProgressTask NONE = new ProgressTask() {
        @Override
        public void step(long n) {
        }

        @Override
        public void setTo(long n) {
        }

        @Override
        public void close() {
        }
    };

    /** Adds {@code n} units done. */
    void step(long n);

    /** Sets the units done (e.g. from a server-reported counter). */
    void setTo(long n);

    /** Ends the task (prints a final line); idempotent. */
    @Override
    void close();
}
