package org.recallctl.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --report FILE}: the JSON run report of a mutating command, written on success and failure alike. */
public class ReportOption {
    @Option(names = "--report", paramLabel = "FILE", description = "Write the JSON run report to FILE (also on failure).")
    Path report;

    public Path file() {
        return report;
    }
}
