package org.recallctl.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.recallctl.config.LoadedConfig;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.ExitCodes;
import org.recallctl.milvus.Partitions;
import org.recallctl.output.Json;
import org.recallctl.output.Log;
import org.recallctl.output.Progress;
import org.recallctl.output.Table;
import org.recallctl.pipeline.BuildOperation;
import org.recallctl.pipeline.BuildResult;
import org.recallctl.pipeline.OperationRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "build", description = {"Build a new collection from the source table: create it with its "
        + "partitions, stream, validate and insert the rows, flush, index. Takes the run lock (exit 5 when held) "
        + "and switches nothing (switch --to or rebuild does); refuses the serving, the rollback and key2's "
        + "collection; leaves key2 naming the built collection until it is switched to. Exit 3 when more rows "
        + "are bad than thresholds.max_bad_rows allows."})
public class BuildCommand implements Callable<Integer> {
    private final CliContext ctx;
    @Mixin
    CommonOptions common;
    @Mixin
    JsonOption json;
    @Mixin
    ReportOption report;
    @Option(names = "--collection", paramLabel = "NAME",
            description = "Collection to build into (default: the next name of collection.naming).")
    String collection;
    @Option(names = "--partitions", paramLabel = "P", description = "Partitions (collection.partitions).")
    Integer partitions;
    @Option(names = "--batch-rows", paramLabel = "N", description = "Rows per insert request at most (build.batch_rows).")
    Integer batchRows;
    @Option(names = "--readers", paramLabel = "N", description = "Parallel MySQL readers (build.readers).")
    Integer readers;
    @Option(names = "--writers", paramLabel = "N", description = "Parallel Milvus writers (build.writers).")
    Integer writers;
    @Option(names = "--method", paramLabel = "insert|import", description = "insert: send insert requests; import:"
            + " write NumPy files per partition and let the Milvus data nodes import them (build.method; needs"
            + " build.import.*, Milvus 2.3+).")
    String method;

    @Option(names = "--resume", description = "Continue the build a killed or failed build left behind (its "
            + "checkpoint in Redis): same target, confirmed key ranges are not read again, the unconfirmed tail is "
            + "deleted and written again. Exit 3 when there is no checkpoint or the source, the build-relevant config "
            + "or the target changed since.")
    boolean resume;

    BuildCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        LoadedConfig loaded = common.load(ctx, CommonOptions.Flags.none()
                .put("collection.partitions", partitions, "--partitions")
                .put("build.batch_rows", batchRows, "--batch-rows")
                .put("build.readers", readers, "--readers")
                .put("build.writers", writers, "--writers")
                .put("build.method", method, "--method"));
        RecallConfig cfg = loaded.config();
        Log log = common.log(ctx);
        Progress progress = Progress.forStderr(ctx.err(), ctx.errIsTerminal(), common.quiet());
        BuildResult result;
        try {
            result = new OperationRunner(cfg, log, ctx.connections(), Clock.systemUTC())
                    .run(new BuildOperation(collection, progress, resume), report.file());
        } finally {
            ctx.connections().endCommand();
        }
        if (json.enabled()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("build", result);
            doc.put("rows_per_second", rowsPerSecond(result));
            Json.print(ctx.out(), doc);
        } else {
            print(result, ctx.out());
        }
        return ExitCodes.OK;
    }

    static long rowsPerSecond(BuildResult r) {
        Double stream = r.phaseSeconds().get("stream");
        return stream == null || stream <= 0 ? 0 : Math.round((r.written() + r.rejected()) / stream);
    }

    private static void print(BuildResult r, PrintWriter out) {
        out.println("built " + r.collection() + ": " + r.written() + " rows written, " + r.rejected()
                + " rejected, of " + r.sourceRows() + " source rows in " + String.format("%.1f", r.seconds()) + " s ("
                + rowsPerSecond(r) + " rows/s while streaming)");
        out.println("index " + r.index().type() + " " + r.index().params() + ": " + r.index().state());
        out.println();
        Table parts = new Table("PARTITION", "WRITTEN", "REJECTED");
        r.writtenByPartition().forEach((p, n) -> parts.row(Partitions.name(p), n, r.rejectedByPartition().getOrDefault(p, 0L)));
        parts.print(out);
        if (r.rejected() > 0) {
            out.println();
            Table reasons = new Table("REJECTED BECAUSE", "ROWS");
            r.rejectedByReason().forEach(reasons::row);
            reasons.print(out);
            out.println();
            Table sample = new Table("REJECTED ID", "REASON");
            r.rejectedSample().stream().limit(20).forEach(s -> sample.row(s.id() == null ? "-" : s.id(), s.reason()));
            sample.print(out);
            if (r.rejectedSample().size() > 20) {
                out.println("(" + (r.rejectedSample().size() - 20) + " more sample ids in --json)");
            }
        }
        out.println();
        Table phases = new Table("PHASE", "SECONDS");
        r.phaseSeconds().forEach((k, v) -> phases.row(k, String.format("%.2f", v)));
        phases.print(out);
        out.println("(read, decode, queue_wait, convert, insert, build_threads_cpu are thread-seconds summed over"
                + " readers/writers; stream, publish, import, flush, index, total are wall time)");
        out.flush();
    }
}
