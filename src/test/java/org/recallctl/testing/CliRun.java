package org.recallctl.testing;

/** What one in-process CLI invocation produced. */
public record CliRun(int exitCode, String out, String err) {
    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
}
