package org.recallctl.cli;

import picocli.CommandLine.Option;

/** {@code --json}: results as one JSON document on stdout for scripts, instead of a table. */
public class JsonOption {
    @Option(names = "--json", description = "Print the result as JSON on stdout (errors too).")
    boolean json;

    public boolean enabled() {
        return json;
    }
}
