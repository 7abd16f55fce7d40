package org.recallctl.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.recallctl.config.LoadedConfig;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.ExitCodes;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.milvus.Partitions;
import org.recallctl.output.Json;
import org.recallctl.output.Log;
import org.recallctl.output.Progress;
import org.recallctl.output.Table;
import org.recallctl.pipeline.BuildListener;
import org.recallctl.pipeline.BuildResult;
import org.recallctl.pipeline.BuildStep;
import org.recallctl.pipeline.CollectionNaming;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.source.MysqlItemSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "build", description = {"Build a new collection from the source table: create it with its "
        + "partitions, stream, validate and insert the rows, flush, index. Does not take the run lock and does not "
        + "switch anything (rebuild does); refuses the serving and the rollback collection. Exit 3 when more rows "
        + "are bad than thresholds.max_bad_rows allows."})
public class BuildCommand implements Callable<Integer> {
    private final CliContext ctx;
    @Mixin
    CommonOptions common;
    @Mixin
    JsonOption json;
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
        Optional<String> serving;
        List<String> history;
        try (RedisPointerStore pointers = RedisPointerStore.connect(cfg)) {
            serving = pointers.current();
            history = pointers.history();
        }
        Optional<String> rollback = history.stream().findFirst();
        String target = collection;
        if (target == null || target.isBlank()) {
            target = new CollectionNaming(cfg.collection()).next(serving, Clock.systemUTC());
            if (cfg.collection().naming() == RecallConfig.Naming.ALTERNATE && rollback.filter(target::equals).isPresent()) {
                // DESIGN 5.2: under A/B naming the next target is the rollback generation; say so, do not refuse
                log.warn("building into %s, the rollback collection: under alternate naming this gives up rollback "
                        + "(timestamp naming keeps it)", target);
                rollback = Optional.empty();
            }
        }
        log.info("building %s from %s (%d partitions, %d readers, %d writers, batches of %d rows, method %s)", target,
                cfg.source().table(), cfg.collection().partitions(), cfg.build().readers(), cfg.build().writers(),
                cfg.build().batchRows(), cfg.build().method().name().toLowerCase(java.util.Locale.ROOT));
        BuildResult result;
        Progress progress = Progress.forStderr(ctx.err(), ctx.errIsTerminal(), common.quiet);
        BuildStep.refuseProtected(target, serving, rollback); // before opening MySQL and Milvus
        try (MysqlItemSource source = MysqlItemSource.open(cfg, cfg.build().readers());
             MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            BuildListener listener = BuildListener.both(BuildListener.progress(progress), new BuildListener() {
                @Override
                public void importFilesKept(String where) {
                    log.warn("import files kept for inspection: %s (remove them when done)", where);
                }
            });
            result = new BuildStep(cfg, source, milvus, listener).run(target, serving, rollback);
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
            r.rejectedSample().stream().limit(20).forEach(s -> sample.row(s.id(), s.reason()));
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
