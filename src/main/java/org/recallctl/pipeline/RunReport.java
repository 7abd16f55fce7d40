package org.recallctl.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recallctl.config.Redactor;
import org.recallctl.output.Json;

/**
 * The JSON run report (DESIGN §7) of a rebuild or a single step: per step its start, end, duration, status and
 * details; the counts; every decision taken in words; the outcome with its exit code. Thread-safe because the
 * interrupt hook may finish it while the main thread is still inside a step.
 */
public final class RunReport {
    public static final int FORMAT_VERSION = 1;
    private final Clock clock;
    private final String command;
    private final String pipeline;
    private final Instant startedAt;
    private final List<Step> steps = new ArrayList<>();
    private final Map<String, Object> counts = new LinkedHashMap<>();
    private final List<String> decisions = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final Map<String, Object> pointers = new LinkedHashMap<>();
    private List<BuildResult.RejectedRow> rejectedSample = List.of();
    private Instant endedAt;
    private String outcome = "running";
    private Integer exitCode;
    private String error;
    private boolean dryRun;

    public RunReport(String command, String pipeline, Clock clock) {
        this.clock = clock;
        this.command = command;
        this.pipeline = pipeline;
        this.startedAt = clock.instant();
    }

    /** One step; {@code status} is running, ok, failed, skipped or interrupted. */
    public static final class Step {
        private final String name;
        private final Instant startedAt;
        private Instant endedAt;
        private String status = "running";
        private String error;
        private final Map<String, Object> details = new LinkedHashMap<>();

        Step(String name, Instant startedAt) {
            this.name = name;
            this.startedAt = startedAt;
        }

        public Step put(String key, Object value) {
            synchronized (details) {
                details.put(key, value);
            }
            return this;
        }

        public String name() {
            return name;
        }

        public String status() {
            return status;
        }
    }

    public synchronized Step begin(String name) {
        Step s = new Step(name, clock.instant());
        steps.add(s);
        return s;
    }

    public synchronized void ok(Step s) {
        s.endedAt = clock.instant();
        s.status = "skipped".equals(s.status) ? "skipped" : "ok";
    }

    /** Marks a step as skipped on purpose (rebuild --skip-gate): it ends "skipped" instead of "ok". */
    public synchronized void skip(Step s) {
        s.status = "skipped";
    }

    public synchronized void fail(Step s, int code, String message) {
        if (s.endedAt == null) {
            s.endedAt = clock.instant();
            s.status = code == 130 ? "interrupted" : "failed";
            s.error = message;
        }
    }

    public synchronized void count(String key, Object value) {
        counts.put(key, value);
    }

    public synchronized void pointer(String key, Object value) {
        pointers.put(key, value);
    }

    public synchronized void decide(String decision) {
        decisions.add(decision);
    }

    /** Something went wrong that did not change the outcome (e.g. after the switch): listed and alerted. */
    public synchronized void warn(String warning) {
        warnings.add(warning);
    }

    public synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }

    public String command() {
        return command;
    }

    public String pipeline() {
        return pipeline;
    }

    public synchronized boolean isDryRun() {
        return dryRun;
    }

    /** The failure message once finished with a non-zero code, else null. */
    public synchronized String error() {
        return error;
    }

    public synchronized boolean finished() {
        return endedAt != null;
    }

    public synchronized void rejectedSample(List<BuildResult.RejectedRow> sample) {
        this.rejectedSample = List.copyOf(sample);
    }

    public synchronized void dryRun(boolean dryRun) {
        this.dryRun = dryRun;
    }

    public synchronized List<String> decisions() {
        return List.copyOf(decisions);
    }

    public synchronized List<Step> steps() {
        return List.copyOf(steps);
    }

    /** Closes the report; later calls keep the first outcome (the hook and the main thread may both finish it). */
    public synchronized void finish(int code, String message) {
        if (endedAt != null) {
            return;
        }
        endedAt = clock.instant();
        exitCode = code;
        error = code == 0 ? null : message;
        outcome = code == 0 ? "ok" : code == 130 ? "interrupted" : "failed";
        for (Step s : steps) {
            if (s.endedAt == null) {
                fail(s, code == 0 ? 1 : code, message);
            }
        }
    }

    public synchronized String outcome() {
        return outcome;
    }

    public synchronized Integer exitCode() {
        return exitCode;
    }

    public synchronized ObjectNode toJson() {
        ObjectNode root = Json.object();
        root.put("format_version", FORMAT_VERSION);
        root.put("command", command);
        root.put("pipeline", pipeline);
        root.put("dry_run", dryRun);
        root.put("outcome", outcome);
        if (exitCode == null) {
            root.putNull("exit_code");
        } else {
            root.put("exit_code", exitCode);
        }
        if (error == null) {
            root.putNull("error");
        } else {
            root.put("error", error);
        }
        root.put("started_at", startedAt.toString());
        Instant end = endedAt == null ? clock.instant() : endedAt;
        root.put("ended_at", endedAt == null ? null : endedAt.toString());
        root.put("duration_s", seconds(startedAt, end));
        root.set("pointers", Json.mapper().valueToTree(pointers));
        root.set("counts", Json.mapper().valueToTree(counts));
        var stepArray = root.putArray("steps");
        for (Step s : steps) {
            ObjectNode n = stepArray.addObject();
            n.put("name", s.name);
            n.put("status", s.status);
            n.put("started_at", s.startedAt.toString());
            n.put("ended_at", s.endedAt == null ? null : s.endedAt.toString());
            n.put("duration_s", seconds(s.startedAt, s.endedAt == null ? end : s.endedAt));
            if (s.error != null) {
                n.put("error", s.error);
            }
            synchronized (s.details) {
                n.set("details", Json.mapper().valueToTree(s.details));
            }
        }
        var d = root.putArray("decisions");
        decisions.forEach(d::add);
        var w = root.putArray("warnings");
        warnings.forEach(w::add);
        var rej = root.putArray("rejected_sample");
        for (BuildResult.RejectedRow r : rejectedSample) {
            rej.addObject().put("id", r.id()).put("reason", r.reason());
        }
        return root;
    }

    private static double seconds(Instant a, Instant b) {
        return Math.round(Duration.between(a, b).toMillis() / 10.0) / 100.0;
    }

    /** Writes atomically, every string through {@code redactor} (an error message may quote a driver's URL). */
    public void write(Path file, Redactor redactor) {
        try {
            Json.writeFile(file, toJson(), redactor);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run report " + file + ": " + e.getMessage(), e);
        }
    }
}
