package org.recallctl.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.recallctl.output.Json;
import org.recallctl.output.Log;
import org.recallctl.pointer.RedisPointerStore;

/**
 * The run journal (issue 12 §5): a standard {@link RunObserver} that appends every finished run of a mutating
 * command (successful, refused, failed, interrupted, dry runs too) to a bounded Redis list under the pipeline's
 * hash tag, so {@code status --runs} shows what last night's cron job did without anyone grepping logs. One
 * entry: command, host, pid, user, start, end, outcome, exit code, error, steps with durations, counts,
 * collections (the report's pointers), warnings, report path. Every string passes the redactor first. A write
 * that fails is a warning on stderr and never changes the run's exit code.
 */
public final class RunJournal implements RunObserver {
    /** Runs kept in the list; older ones are trimmed by the same script that appends. */
    public static final int KEEP = 200;

    private final Supplier<RedisPointerStore> redis;
    private final Log log;
    private final Path reportFile;

    public RunJournal(Supplier<RedisPointerStore> redis, Log log, Path reportFile) {
        this.redis = redis;
        this.log = log;
        this.reportFile = reportFile;
    }

    @Override
    public void finished(RunReport report) {
        String error = report.error();
        if (error != null && error.matches("^Redis( Sentinel)? (unreachable|at) .*")) {
            // the run failed on Redis itself: trying again would only wait out another timeout for the same answer
            log.debug("run journal not written: the run failed on Redis (%s)", error);
            return;
        }
        try {
            JsonNode entry = log.redactor().redact(entry(report, reportFile));
            redis.get().journal().append(entry.toString(), KEEP);
        } catch (RuntimeException e) {
            log.warn("run journal not written (the run's outcome is unchanged): %s", e.getMessage());
        }
    }

    /** The journal entry of a finished run. */
    static ObjectNode entry(RunReport report, Path reportFile) {
        ObjectNode r = report.toJson();
        ObjectNode e = Json.object();
        e.put("command", r.path("command").asText());
        e.put("pipeline", r.path("pipeline").asText());
        e.put("host", host());
        e.put("pid", ProcessHandle.current().pid());
        e.put("user", System.getProperty("user.name", "?"));
        e.put("started_at", r.path("started_at").asText());
        e.set("ended_at", r.get("ended_at"));
        e.set("duration_s", r.get("duration_s"));
        e.put("dry_run", r.path("dry_run").asBoolean());
        e.put("outcome", r.path("outcome").asText());
        e.set("exit_code", r.get("exit_code"));
        e.set("error", r.get("error"));
        ArrayNode steps = e.putArray("steps");
        for (JsonNode s : r.path("steps")) {
            ObjectNode n = steps.addObject();
            n.put("name", s.path("name").asText());
            n.put("status", s.path("status").asText());
            n.set("duration_s", s.get("duration_s"));
        }
        e.set("counts", r.get("counts"));
        e.set("collections", r.get("pointers"));
        e.set("warnings", r.get("warnings"));
        if (reportFile == null) {
            e.putNull("report");
        } else {
            e.put("report", reportFile.toAbsolutePath().toString());
        }
        return e;
    }

    /** The newest {@code n} runs as JSON objects, newest first (unparseable entries are skipped). */
    public static List<JsonNode> latest(RedisPointerStore redis, int n) {
        List<JsonNode> out = new ArrayList<>();
        for (String s : redis.journal().latest(n)) {
            try {
                out.add(Json.mapper().readTree(s));
            } catch (Exception ignored) {
                // not written by us; nothing to show
            }
        }
        return out;
    }

    /** One line for plain {@code status}: when, what, how it ended. */
    public static String oneLine(JsonNode run) {
        StringBuilder b = new StringBuilder();
        b.append(run.path("ended_at").asText(run.path("started_at").asText())).append("  ")
                .append(run.path("command").asText()).append(run.path("dry_run").asBoolean() ? " (dry run)" : "")
                .append(": ").append(run.path("outcome").asText()).append(" (exit ")
                .append(run.path("exit_code").asText("?")).append(", ")
                .append(run.path("duration_s").asText("?")).append(" s)");
        String err = run.path("error").asText("");
        if (!err.isEmpty() && !run.path("error").isNull()) {
            b.append(": ").append(err.length() > 160 ? err.substring(0, 157) + "..." : err);
        }
        b.append(" on ").append(run.path("host").asText()).append(" pid ").append(run.path("pid").asText());
        return b.toString();
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown-host";
        }
    }
}
