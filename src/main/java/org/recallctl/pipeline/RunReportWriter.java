package org.recallctl.pipeline;

import java.nio.file.Path;
import org.recallctl.output.Log;

/** Writes the JSON run report (--report FILE) when the run ends, on success and failure alike. */
public final class RunReportWriter implements RunObserver {
    private final Path file;
    private final Log log;

    public RunReportWriter(Path file, Log log) {
        this.file = file;
        this.log = log;
    }

    @Override
    public void finished(RunReport report) {
        report.write(file, log.redactor());
        log.info("run report written to %s", file);
    }
}
