package org.recallctl.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import org.recallctl.output.Json;
import org.recallctl.output.Log;

/**
 * Prometheus text-format metrics of every mutating run, for node_exporter's textfile collector
 * ({@code metrics.textfile}, e.g. /var/lib/node_exporter/textfile_collector/recallctl.prom): when the run started
 * and ended, its outcome and exit code, seconds per step, rows read, written and rejected, the last success, and
 * the serving collection as the label of an info metric. The text comes from the Prometheus client library.
 *
 * <p>One file serves every pipeline and command: the last run of each (pipeline, command) is kept in a JSON state
 * file beside it ({@code recallctl.prom.json}: node_exporter reads only *.prom), so a failed rebuild keeps the time
 * of the last good one, and a switch does not erase the rebuild's series. Both files are written to a temporary
 * file and renamed, under a lock on the state file, so the collector never reads half a file and two runs ending
 * together lose nothing. A dry run is kept under its own command name ("rebuild --dry-run"): a refusing pre-flight
 * shows, and never passes for a rebuild.
 */
public final class MetricsObserver implements RunObserver {
    private final Path textfile;
    private final Log log;

    public MetricsObserver(Path textfile, Log log) {
        this.textfile = textfile.toAbsolutePath();
        this.log = log;
    }

    @Override
    public void finished(RunReport report) {
        try {
            // names only (pipeline, command, collections, step names), but nothing leaves unredacted (COORDINATION)
            write((ObjectNode) log.redactor().redact(report.toJson()));
        } catch (IOException | UncheckedIOException e) {
            log.warn("could not write the metrics file %s: %s", textfile, e.getMessage());
        }
    }

    private void write(ObjectNode run) throws IOException {
        Files.createDirectories(textfile.getParent());
        Path statePath = textfile.resolveSibling(textfile.getFileName() + ".json");
        try (FileChannel lockChannel = FileChannel.open(textfile.resolveSibling(textfile.getFileName() + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock ignored = lockChannel.lock()) {
            ObjectNode state = Files.isRegularFile(statePath)
                    ? (ObjectNode) Json.mapper().readTree(statePath.toFile()) : Json.object();
            record(state, run);
            atomically(statePath, out -> out.write(Json.mapper().writeValueAsBytes(state)));
            PrometheusRegistry registry = registry(state);
            atomically(textfile, out -> PrometheusTextFormatWriter.create().write(out, registry.scrape(),
                    EscapingScheme.ALLOW_UTF8));
        }
    }

    /** This run replaces its (pipeline, command)'s last run; the last success survives a failure. */
    static void record(ObjectNode state, JsonNode run) {
        String pipeline = run.path("pipeline").asText();
        String command = commandName(run);
        ObjectNode runs = state.has("runs") ? (ObjectNode) state.get("runs") : state.putObject("runs");
        String key = pipeline + "\t" + command;
        JsonNode previous = runs.get(key);
        ObjectNode r = runs.putObject(key);
        r.put("pipeline", pipeline).put("command", command);
        r.put("start", epochSeconds(run.path("started_at")));
        r.put("end", epochSeconds(run.path("ended_at")));
        r.put("duration", run.path("duration_s").asDouble());
        int exit = run.path("exit_code").isNumber() ? run.path("exit_code").asInt() : 1;
        r.put("exit_code", exit);
        if (exit == 0) {
            r.put("last_success", epochSeconds(run.path("ended_at")));
        } else if (previous != null && previous.has("last_success")) {
            r.put("last_success", previous.get("last_success").asDouble());
        }
        ObjectNode steps = r.putObject("steps");
        run.path("steps").forEach(s -> steps.put(s.path("name").asText(), s.path("duration_s").asDouble()));
        JsonNode counts = run.path("counts");
        ObjectNode rows = r.putObject("rows");
        JsonNode read = counts.has("built_source_rows") ? counts.get("built_source_rows") : counts.get("source_rows");
        if (read != null && read.isNumber()) {
            rows.put("read", read.asLong());
        }
        for (String kind : new String[] {"written", "rejected"}) {
            if (counts.path(kind).isNumber()) {
                rows.put(kind, counts.get(kind).asLong());
            }
        }
        ObjectNode gate = r.putObject("gate");
        for (String[] m : GATE) {
            JsonNode v = counts.path(m[0]);
            if (v.isNumber()) {
                gate.put(m[0], v.asDouble());
            } else if (v.isBoolean()) {
                gate.put(m[0], v.asBoolean() ? 1.0 : 0.0);
            }
        }
        JsonNode pointers = run.path("pointers");
        JsonNode serving = pointers.path("serving_after").isTextual() ? pointers.get("serving_after")
                : pointers.path("serving_before").isTextual() ? pointers.get("serving_before") : null;
        if (serving != null && !run.path("dry_run").asBoolean()) {
            ObjectNode servingBy = state.has("serving") ? (ObjectNode) state.get("serving") : state.putObject("serving");
            servingBy.put(pipeline, serving.asText());
        }
    }

    /** The gate's run counts (GateStep.record / skip) and the gauge each becomes. */
    private static final String[][] GATE = {
        {"gate_recall", "recallctl_last_run_gate_recall", "Mean recall@K of the collection the last run gated (issue 12 recall gate)."},
        {"gate_worst1pct_recall", "recallctl_last_run_gate_worst1pct_recall", "Mean recall of the worst 1% of the gate's queries."},
        {"gate_min_recall", "recallctl_last_run_gate_min_recall", "gate.min_recall the last run was held to."},
        {"gate_overlap", "recallctl_last_run_gate_overlap", "Mean TopK overlap between the gated and the serving collection."},
        {"gate_spot_mismatches", "recallctl_last_run_gate_spot_check_mismatches", "Rows of the spot-check that differed from the source."},
        {"gate_skipped", "recallctl_last_run_gate_skipped", "1 if the last run switched without the gate (--skip-gate, gate.enabled=false)."},
    };

    /** "switch --to items_2" is command "switch"; a dry run stays apart: "rebuild --dry-run". */
    private static String commandName(JsonNode run) {
        String first = run.path("command").asText().split(" ", 2)[0];
        return run.path("dry_run").asBoolean() ? first + " --dry-run" : first;
    }

    private static double epochSeconds(JsonNode iso) {
        return iso.isTextual() ? Instant.parse(iso.asText()).toEpochMilli() / 1000.0 : Double.NaN;
    }

    static PrometheusRegistry registry(JsonNode state) {
        PrometheusRegistry reg = new PrometheusRegistry();
        String[] run = {"pipeline", "command"};
        Gauge start = gauge(reg, "recallctl_last_run_start_timestamp_seconds", "When the last run started (Unix time).", run);
        Gauge end = gauge(reg, "recallctl_last_run_end_timestamp_seconds", "When the last run ended (Unix time).", run);
        Gauge duration = gauge(reg, "recallctl_last_run_duration_seconds", "How long the last run took.", run);
        Gauge exit = gauge(reg, "recallctl_last_run_exit_code", "Exit code of the last run (README \"Exit codes\").", run);
        Gauge success = gauge(reg, "recallctl_last_run_success", "1 if the last run succeeded, else 0.", run);
        Gauge lastSuccess = gauge(reg, "recallctl_last_success_timestamp_seconds",
                "When a run of this command last succeeded (Unix time).", run);
        Gauge step = gauge(reg, "recallctl_last_run_step_duration_seconds", "Seconds per step of the last run.",
                "pipeline", "command", "step");
        Gauge rows = gauge(reg, "recallctl_last_run_rows", "Rows the last run read, wrote and rejected.",
                "pipeline", "command", "kind");
        Info serving = Info.builder().name("recallctl_serving_collection")
                .help("The collection key1 names, as far as the last run saw it.").labelNames("pipeline", "collection")
                .register(reg);
        Map<String, Gauge> gate = new java.util.LinkedHashMap<>();
        for (String[] m : GATE) {
            gate.put(m[0], gauge(reg, m[1], m[2], run));
        }
        for (Iterator<JsonNode> it = state.path("runs").elements(); it.hasNext(); ) {
            JsonNode r = it.next();
            String p = r.path("pipeline").asText();
            String c = r.path("command").asText();
            start.labelValues(p, c).set(r.path("start").asDouble());
            end.labelValues(p, c).set(r.path("end").asDouble());
            duration.labelValues(p, c).set(r.path("duration").asDouble());
            exit.labelValues(p, c).set(r.path("exit_code").asInt());
            success.labelValues(p, c).set(r.path("exit_code").asInt() == 0 ? 1 : 0);
            if (r.has("last_success")) {
                lastSuccess.labelValues(p, c).set(r.path("last_success").asDouble());
            }
            for (Iterator<Map.Entry<String, JsonNode>> s = r.path("steps").fields(); s.hasNext(); ) {
                var e = s.next();
                step.labelValues(p, c, e.getKey()).set(e.getValue().asDouble());
            }
            for (Iterator<Map.Entry<String, JsonNode>> k = r.path("rows").fields(); k.hasNext(); ) {
                var e = k.next();
                rows.labelValues(p, c, e.getKey()).set(e.getValue().asLong());
            }
            for (Iterator<Map.Entry<String, JsonNode>> k = r.path("gate").fields(); k.hasNext(); ) {
                var e = k.next();
                Gauge g = gate.get(e.getKey());
                if (g != null) {
                    g.labelValues(p, c).set(e.getValue().asDouble());
                }
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> s = state.path("serving").fields(); s.hasNext(); ) {
            var e = s.next();
            serving.addLabelValues(e.getKey(), e.getValue().asText());
        }
        return reg;
    }

    private static Gauge gauge(PrometheusRegistry reg, String name, String help, String... labels) {
        return Gauge.builder().name(name).help(help).labelNames(labels).register(reg);
    }

    private interface Body {
        void write(OutputStream out) throws IOException;
    }

    /** Temp file in the same directory, then a rename: a reader sees the old file or the new one. */
    private static void atomically(Path file, Body body) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            body.write(out);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
