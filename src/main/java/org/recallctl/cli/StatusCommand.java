package org.recallctl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.recallctl.config.LoadedConfig;
import org.recallctl.error.ConfigException;
import org.recallctl.error.ExitCodes;
import org.recallctl.output.Json;
import org.recallctl.output.Table;
import org.recallctl.pipeline.RunJournal;
import org.recallctl.pipeline.StatusProbe;
import org.recallctl.pipeline.StatusReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", description = {"One screen for 3 a.m.: pointers, lock, alias, collections, source rows "
        + "and whether each endpoint answers. Exit 4 when a dependency is unreachable or a pointer names a "
        + "missing collection."})
public class StatusCommand implements Callable<Integer> {
    private final CliContext ctx;
    @Mixin
    CommonOptions common;
    @Mixin
    JsonOption json;
    @Option(names = "--runs", arity = "0..1", fallbackValue = "10", paramLabel = "N",
            description = "List the last N runs of mutating commands from the run journal in Redis (default 10): "
                    + "when, command, outcome, exit code, duration, steps, host/pid/user, report file. Only Redis is asked.")
    Integer runs;

    StatusCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        LoadedConfig loaded = common.load(ctx, CommonOptions.Flags.none());
        if (runs != null) {
            return listRuns(loaded);
        }
        StatusReport report;
        try {
            report = new StatusProbe(loaded.config(), ctx.connections()).probe();
        } finally {
            ctx.connections().endCommand();
        }
        if (json.enabled()) {
            Json.print(ctx.out(), report);
        } else {
            print(report, ctx.out());
        }
        for (String problem : report.problems()) {
            ctx.err().println("recallctl: error: " + ctx.redactor().redact(problem));
        }
        ctx.err().flush();
        return report.problems().isEmpty() ? ExitCodes.OK : ExitCodes.DEPENDENCY;
    }

    private int listRuns(LoadedConfig loaded) {
        if (runs < 1) {
            throw new ConfigException("--runs must be at least 1 (got " + runs + ")");
        }
        List<JsonNode> list;
        try {
            list = RunJournal.latest(ctx.connections().pointers(loaded.config()), runs);
        } finally {
            ctx.connections().endCommand();
        }
        if (json.enabled()) {
            Json.print(ctx.out(), list);
            return ExitCodes.OK;
        }
        PrintWriter out = ctx.out();
        if (list.isEmpty()) {
            out.println("no runs in the journal of pipeline " + loaded.config().pipeline() + " yet");
            out.flush();
            return ExitCodes.OK;
        }
        Table t = new Table("ENDED", "COMMAND", "OUTCOME", "EXIT", "SECONDS", "STEPS", "HOST/PID/USER", "DETAIL");
        for (JsonNode r : list) {
            StringBuilder steps = new StringBuilder();
            for (JsonNode s : r.path("steps")) {
                steps.append(steps.length() == 0 ? "" : " ").append(s.path("name").asText())
                        .append("ok".equals(s.path("status").asText()) ? "" : "!" + s.path("status").asText())
                        .append("=").append(s.path("duration_s").asText());
            }
            String detail = r.path("error").isNull() || r.path("error").asText().isEmpty()
                    ? (r.path("warnings").size() > 0 ? r.path("warnings").size() + " warning(s): "
                    + r.path("warnings").get(0).asText() : "-") : r.path("error").asText();
            if (!r.path("report").isNull() && !r.path("report").asText().isEmpty()) {
                detail += " [report " + r.path("report").asText() + "]";
            }
            t.row(r.path("ended_at").asText(r.path("started_at").asText()),
                    r.path("command").asText() + (r.path("dry_run").asBoolean() ? " (dry run)" : ""),
                    r.path("outcome").asText(), r.path("exit_code").asText("?"), r.path("duration_s").asText(),
                    steps.length() == 0 ? "-" : steps.toString(),
                    r.path("host").asText() + "/" + r.path("pid").asText() + "/" + r.path("user").asText(),
                    detail.length() > 120 ? detail.substring(0, 117) + "..." : detail);
        }
        t.print(out);
        out.flush();
        return ExitCodes.OK;
    }

    private static void print(StatusReport r, PrintWriter out) {
        out.println("pipeline " + r.pipeline());
        Table pointers = new Table("POINTER", "KEY", "VALUE");
        var p = r.pointer();
        pointers.row("serving (key1)", r.keys().get("current"), p == null ? "? (redis down)" : orDash(p.current()));
        pointers.row("building (key2)", r.keys().get("building"), p == null ? "?" : orDash(p.building()));
        pointers.row("history", r.keys().get("history"),
                p == null ? "?" : p.history().isEmpty() ? "-" : String.join(", ", p.history()));
        pointers.row("lock", r.keys().get("lock"), p == null ? "?" : p.lock() == null ? "free"
                : "held by " + p.lock().holder() + " on " + p.lock().host() + " pid " + p.lock().pid() + " since "
                + p.lock().startedAt() + " (expires in " + Math.max(0, p.lock().ttlMs() / 1000) + " s)");
        if (r.alias() != null) {
            pointers.row("milvus alias", r.alias().name(), orDash(r.alias().target()));
        }
        pointers.print(out);
        out.println();
        Table cols = new Table("COLLECTION", "ROLE", "ROWS", "PARTS", "INDEX", "PARAMS", "INDEX STATE", "LOAD");
        for (var c : r.collections()) {
            if (!c.exists()) {
                cols.row(c.name(), c.role(), "MISSING", "-", "-", "-", "-", "-");
            } else {
                cols.row(c.name(), c.role(), c.rows(), c.partitions(), orDash(c.indexType()),
                        c.indexParams() == null || c.indexParams().isEmpty() ? "-" : c.indexParams().toString(),
                        c.indexState(), c.loadState() + ("Loading".equals(c.loadState()) ? " " + c.loadProgress() + "%" : ""));
            }
        }
        if (cols.size() == 0) {
            out.println("no collections of this pipeline in Milvus (or Milvus is down)");
        } else {
            cols.print(out);
        }
        out.println();
        out.println("source table " + r.source().table() + ": " + (r.source().rows() == null ? "?" : r.source().rows() + " rows"));
        out.println();
        Table eps = new Table("ENDPOINT", "TARGET", "STATUS");
        for (var e : r.endpoints()) {
            eps.row(e.name(), e.target(), e.ok() ? e.detail() : "UNREACHABLE");
        }
        eps.print(out);
        out.println();
        out.println("last run: " + (r.lastRun() == null ? "none in the journal" : RunJournal.oneLine(r.lastRun())));
        if (!r.problems().isEmpty()) {
            out.println();
            out.println("PROBLEMS");
            r.problems().forEach(pr -> out.println("  !! " + pr));
        }
        out.flush();
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
