package org.recallctl.cli;

import java.time.Clock;
import java.util.concurrent.Callable;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.ExitCodes;
import org.recallctl.output.Json;
import org.recallctl.output.Log;
import org.recallctl.output.Progress;
import org.recallctl.pipeline.RollbackOperation;
import org.recallctl.pipeline.OperationRunner;
import org.recallctl.pipeline.RollbackStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "rollback", description = {"Point key1 back at the newest history entry (compare-and-set under the "
        + "run lock) after checking it exists, is indexed and loaded (loading it when released); mirrors the "
        + "Milvus alias."})
public class RollbackCommand implements Callable<Integer> {
    private final CliContext ctx;
    @Mixin
    CommonOptions common;
    @Mixin
    JsonOption json;
    @Mixin
    ReportOption report;

    RollbackCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        RecallConfig cfg = common.load(ctx, CommonOptions.Flags.none()).config();
        Log log = common.log(ctx);
        Progress progress = Progress.forStderr(ctx.err(), ctx.errIsTerminal(), common.quiet());
        RollbackStep.Result r;
        try {
            r = new OperationRunner(cfg, log, ctx.connections(), Clock.systemUTC()).run(new RollbackOperation(progress), report.file());
        } finally {
            ctx.connections().endCommand();
        }
        if (json.enabled()) {
            Json.print(ctx.out(), r);
        } else {
            ctx.out().println("rolled back: " + (r.from() == null ? "(unset)" : r.from()) + " -> " + r.to() + " ("
                    + r.rows() + " rows" + (r.loadedNow() ? ", loaded now" : "") + ")");
            if (!"none".equals(r.aliasAction())) {
                ctx.out().println("alias: " + r.aliasAction());
            }
            r.warnings().forEach(w -> ctx.out().println("WARNING: " + w));
            ctx.out().flush();
        }
        return ExitCodes.OK;
    }
}
