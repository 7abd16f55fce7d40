package org.recallctl.cli;

import java.time.Clock;
import java.util.concurrent.Callable;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.ConfigException;
import org.recallctl.error.ExitCodes;
import org.recallctl.output.Json;
import org.recallctl.output.Log;
import org.recallctl.pipeline.OperationRunner;
import org.recallctl.pipeline.SwitchOperation;
import org.recallctl.pipeline.SwitchStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "switch", description = {"Point key1 (and the Milvus alias, when collection.alias is set) at a "
        + "collection that passes the post-build check, by compare-and-set under the run lock; then apply "
        + "retention. Switching to what already serves changes nothing but repairs a stale alias (exit 0). "
        + "Exit 6 when key1 moved under us or the alias is another pipeline's (nothing switched); exit 5 when "
        + "another run holds the lock. After key1 moved, alias and retention problems are warnings (exit 0). "
        + "Then the serve probe (probe.*) proves the new collection serves (also for --watch DURATION); when it does "
        + "not, the switch is reverted (exit 3; exit 4 when the revert fails too)."})
public class SwitchCommand implements Callable<Integer> {
    private final CliContext ctx;
    @Mixin
    CommonOptions common;
    @Mixin
    JsonOption json;
    @Mixin
    ReportOption report;
    @Mixin
    WatchOption watch;
    @Mixin
    SkipGateOption gate;
    @Option(names = "--to", paramLabel = "NAME", required = true, description = "Collection to serve.")
    String to;
    @Option(names = "--expect-current", paramLabel = "NAME",
            description = "Switch only if key1 names NAME (default: whatever key1 names when the command starts); "
                    + "'-' means key1 must be unset.")
    String expectCurrent;
    @Option(names = "--expect-rejected", paramLabel = "N", defaultValue = "0",
            description = "Rows the build rejected as bad, for the post-build check (default: ${DEFAULT-VALUE}).")
    long expectRejected;

    SwitchCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        RecallConfig cfg = common.load(ctx, CommonOptions.Flags.none()).config();
        Log log = common.log(ctx);
        if (to.isBlank()) {
            throw new ConfigException("--to needs a collection name");
        }
        try {
            SwitchStep.Result r = new OperationRunner(cfg, log, ctx.connections(), Clock.systemUTC())
                    .run(new SwitchOperation(to, expectCurrent, expectRejected, watch.window(cfg)).skipGate(gate.skip()),
                            report.file());
            print(r);
            return ExitCodes.OK;
        } finally {
            ctx.connections().endCommand();
        }
    }

    private void print(SwitchStep.Result r) {
        if (json.enabled()) {
            Json.print(ctx.out(), r);
            return;
        }
        if (r.alreadyServing()) {
            ctx.out().println(r.target() + " already serving; nothing changed"
                    + (r.aliasAction().startsWith("repaired") || r.aliasAction().startsWith("moved")
                    ? " but the alias: " + r.aliasAction() : ""));
        } else {
            ctx.out().println("switched: " + (r.previous() == null ? "(unset)" : r.previous()) + " -> " + r.target());
            if (!"none".equals(r.aliasAction())) {
                ctx.out().println("alias: " + r.aliasAction());
            }
            var ret = r.retention();
            ctx.out().println("retention: kept " + ret.kept() + ", released " + ret.released() + ", dropped "
                    + ret.dropped() + (ret.skipped().isEmpty() ? "" : ", skipped " + ret.skipped())
                    + (ret.failed().isEmpty() ? "" : ", FAILED " + ret.failed()));
        }
        r.warnings().forEach(w -> ctx.out().println("WARNING: " + w));
        ctx.out().flush();
    }
}
