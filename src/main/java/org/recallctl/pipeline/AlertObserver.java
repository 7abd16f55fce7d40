package org.recallctl.pipeline;

import org.recallctl.config.RecallConfig;
import org.recallctl.output.Log;

/**
 * Sends the webhook alert when a run ends: on failure (Ctrl-C and SIGTERM included), on a success that carries
 * warnings (e.g. switched, but the alias could not be moved), and on every success with alert.on_success.
 * Never for a dry run.
 */
public final class AlertObserver implements RunObserver {
    private final Alerter alerter;
    private final String pipeline;

    public AlertObserver(RecallConfig cfg, Log log) {
        this.alerter = new Alerter(cfg.alert(), log);
        this.pipeline = cfg.pipeline();
    }

    @Override
    public void finished(RunReport report) {
        if (report.isDryRun() || !alerter.enabled()) {
            return;
        }
        int code = report.exitCode() == null ? 1 : report.exitCode();
        String message = code != 0 ? report.error() : report.decisions().isEmpty() ? report.command() + ": ok"
                : report.decisions().get(report.decisions().size() - 1);
        if (code == 0 && !report.warnings().isEmpty()) {
            message += "; with warnings: " + String.join("; ", report.warnings());
        }
        alerter.notify(pipeline, report.command(), code, message, report, !report.warnings().isEmpty());
    }
}
