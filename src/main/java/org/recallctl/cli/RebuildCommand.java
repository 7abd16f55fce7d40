package org.recallctl.cli;

import java.time.Clock;
import java.util.concurrent.Callable;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.ExitCodes;
import org.recallctl.output.Json;
import org.recallctl.output.Log;
import org.recallctl.output.Progress;
import org.recallctl.output.Table;
import org.recallctl.pipeline.RebuildChain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "rebuild", description = {"The whole pipeline under the run lock: check -> build -> warmup -> "
        + "check the built collection -> recall gate and spot-check -> switch -> probe (-> watch). Stops at the first "
        + "failure with its exit code, cleans key2 and the lock, and leaves key1 and the serving collection untouched; "
        + "a probe failure after the switch reverts it (exit 3)."})
public class RebuildCommand implements Callable<Integer> {
    private static final int PLAN_VALUE_WIDTH = 80;
    private final CliContext ctx;
    @Mixin
    CommonOptions common;
    @Mixin
    JsonOption json;
    @Option(names = "--dry-run", description = "Print the plan (target, counts, thresholds verdict, what would be "
            + "dropped, rollback) and change nothing in MySQL, Redis or Milvus. Exit 3 when the check would refuse.")
    boolean dryRun;
    @Mixin
    SkipGateOption gate;
    @Mixin
    ReportOption report;
    @Option(names = "--resume", description = "Continue the build a killed or failed rebuild left behind (its "
            + "checkpoint in Redis): same target, confirmed key ranges are not read again, the unconfirmed tail is "
            + "deleted and written again. Exit 3 when there is no checkpoint or the source, the build-relevant config "
            + "or the target changed since.")
    boolean resume;
    @Mixin
    WatchOption watch;

    RebuildCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        RecallConfig cfg = common.load(ctx, CommonOptions.Flags.none()).config();
        Log log = common.log(ctx);
        Progress progress = Progress.forStderr(ctx.err(), ctx.errIsTerminal(), common.quiet());
        RebuildChain.Result r;
        try {
            r = new RebuildChain(cfg, log, progress, Clock.systemUTC(), RebuildChain.NO_HOOKS, ctx.connections())
                    .skipGate(gate.skip()).watch(watch.window(cfg)).run(dryRun, resume, report.file());
        } finally {
            ctx.connections().endCommand();
        }
        if (json.enabled()) {
            Json.print(ctx.out(), r.report().toJson());
        } else if (dryRun) {
            printPlan(r.plan());
        } else {
            printRun(r);
        }
        if (dryRun && r.plan().wouldRefuse()) {
            ctx.err().println("recallctl: error: " + ctx.redactor().redact("dry run: a real run would refuse: "
                    + r.plan().verdict()));
            ctx.err().flush();
            return ExitCodes.CHECK_REFUSED;
        }
        return ExitCodes.OK;
    }

    private void printPlan(RebuildChain.Plan p) {
        // a key-value listing: values in one column, long verdicts folded (a REFUSE sentence can be 200 characters)
        Table t = new Table("PLAN", "VALUE").leftAligned().wrap(1, PLAN_VALUE_WIDTH);
        t.row("pipeline", p.pipeline());
        t.row("serving (key1)", p.serving() == null ? "-" : p.serving());
        t.row("history", p.history().isEmpty() ? "-" : String.join(", ", p.history()));
        t.row("build target", p.target() + " (" + p.naming() + " naming" + (p.targetExists() ? ", exists: drop and rebuild" : "") + ")");
        t.row("source rows S", p.sourceRows());
        t.row("serving rows C", p.servingRows());
        t.row("thresholds", p.verdict());
        t.row("rollback", p.rollbackGivenUp() ? "GIVEN UP until the switch completes (target is the rollback collection)"
                : p.rollbackAfterSwitch() == null ? "none after the switch (first run)" : "to " + p.rollbackAfterSwitch() + " after the switch");
        t.row("retention drops", p.dropAfterSwitch().isEmpty() ? "nothing" : String.join(", ", p.dropAfterSwitch()));
        p.notes().stream().filter(n -> n.startsWith("alias ")).forEach(n -> t.row("alias", n.substring("alias ".length())));
        p.notes().stream().filter(n -> n.startsWith("recall gate: ")).forEach(n -> t.row("recall gate",
                n.substring("recall gate: ".length())));
        t.row("lock", p.lockHolder() == null ? "free" : "HELD: " + p.lockHolder());
        t.print(ctx.out());
        ctx.out().println("dry run: nothing was changed");
        ctx.out().flush();
    }

    private void printRun(RebuildChain.Result r) {
        Table t = new Table("STEP", "STATUS", "SECONDS");
        var json = r.report().toJson();
        json.get("steps").forEach(s -> t.row(s.get("name").asText(), s.get("status").asText(), s.get("duration_s").asText()));
        t.print(ctx.out());
        var b = r.build();
        ctx.out().println("serving: " + r.plan().target() + " (" + b.written() + " rows, " + b.rejected() + " rejected)"
                + (r.switched().previous() == null ? "" : "; rollback: " + r.switched().previous()));
        if (json.at("/counts/gate_skipped").asBoolean()) {
            ctx.out().println("recall gate: SKIPPED, this switch was not checked for recall or content");
        }
        for (String d : r.report().decisions()) {
            ctx.out().println("  - " + d);
        }
        ctx.out().flush();
    }
}
