package org.recallctl.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.recallctl.config.RecallConfig;
import org.recallctl.output.Json;
import org.recallctl.output.Log;

/**
 * The optional alert webhook: one HTTP POST of a small JSON body on failure (and on success with
 * {@code alert.on_success}). An alert that cannot be delivered is a warning; it never changes the exit code,
 * because the run's outcome is what it is whether or not the pager heard about it.
 */
public final class Alerter {
    private final RecallConfig.Alert cfg;
    private final Log log;

    public Alerter(RecallConfig.Alert cfg, Log log) {
        this.cfg = cfg;
        this.log = log;
    }

    public boolean enabled() {
        return cfg.webhookUrl().isSet() && !cfg.webhookUrl().reveal().isBlank();
    }

    /** The alert body: stable snake_case fields a chat hook or pager can template. */
    public static ObjectNode body(String pipeline, String command, int exitCode, String message, RunReport report,
                                  String host, Instant at) {
        ObjectNode b = Json.object();
        b.put("source", "recallctl");
        b.put("pipeline", pipeline);
        b.put("command", command);
        b.put("outcome", exitCode == 0 ? "ok" : exitCode == 130 ? "interrupted" : "failed");
        b.put("exit_code", exitCode);
        b.put("message", message);
        b.put("host", host);
        b.put("at", at.toString());
        b.put("text", "recallctl " + command + " [" + pipeline + "] " + (exitCode == 0 ? "succeeded" : "FAILED (exit "
                + exitCode + ")") + ": " + message);
        if (report != null) {
            ObjectNode r = report.toJson();
            b.set("pointers", r.get("pointers"));
            b.set("counts", r.get("counts"));
            b.set("warnings", r.get("warnings"));
        }
        return b;
    }

    /** Sends when the outcome calls for it; returns whether a POST succeeded (false when disabled or failed). */
    public boolean notify(String pipeline, String command, int exitCode, String message, RunReport report) {
        return notify(pipeline, command, exitCode, message, report, false);
    }

    /**
     * Like {@link #notify(String, String, int, String, RunReport)}; {@code evenOnSuccess} alerts a success too
     * (a switch that succeeded with warnings).
     *
     * <p>Also delivered from an interrupted thread (Ctrl-C, SIGTERM): the JDK's HTTP client gives up at once when
     * the caller's interrupt flag is set, so the flag is cleared for the POST (bounded by alert.timeout_ms) and
     * set again afterwards.
     */
    public boolean notify(String pipeline, String command, int exitCode, String message, RunReport report,
                          boolean evenOnSuccess) {
        if (!enabled() || (exitCode == 0 && !cfg.onSuccess() && !evenOnSuccess)) {
            return false;
        }
        boolean wasInterrupted = Thread.interrupted();
        try {
            return send(pipeline, command, exitCode, message, report);
        } finally {
            if (wasInterrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean send(String pipeline, String command, int exitCode, String message, RunReport report) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        // the message and the report may quote a driver's error, which may quote a URL with its password
        JsonNode body = log.redactor().redact(body(pipeline, command, exitCode, message, report, host, Instant.now()));
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(cfg.timeoutMs())).build();
            HttpRequest req = HttpRequest.newBuilder(URI.create(cfg.webhookUrl().reveal()))
                    .timeout(Duration.ofMillis(cfg.timeoutMs()))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.mapper().writeValueAsString(body)))
                    .build();
            HttpResponse<Void> resp = http.send(req, HttpResponse.BodyHandlers.discarding());
            if (resp.statusCode() / 100 != 2) {
                log.warn("alert webhook answered HTTP %d; the alert was not accepted", resp.statusCode());
                return false;
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("alert not sent: interrupted");
            return false;
        } catch (Exception e) {
            // the URL may hold a token: the log redacts it, and we never print the URL ourselves
            log.warn("alert not sent: %s", e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            return false;
        }
    }
}
