package org.recallctl.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.recallctl.config.LoadedConfig;
import org.recallctl.error.ExitCodes;
import org.recallctl.output.Json;
import org.recallctl.output.Table;
import org.recallctl.pipeline.StatusProbe;
import org.recallctl.pipeline.StatusReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "status", description = {"One screen for 3 a.m.: pointers, lock, alias, collections, source rows "
        + "and whether each endpoint answers. Exit 4 when a dependency is unreachable or a pointer names a "
        + "missing collection."})
public class StatusCommand implements Callable<Integer> {
    private final CliContext ctx;
    @Mixin
    CommonOptions common;
    @Mixin
    JsonOption json;

    StatusCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        LoadedConfig loaded = common.load(ctx, CommonOptions.Flags.none());
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
