package org.recallctl.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.recallctl.bench.Bench;
import org.recallctl.bench.BenchChart;
import org.recallctl.bench.BenchRow;
import org.recallctl.bench.Recommender;
import org.recallctl.config.CacheDirs;
import org.recallctl.config.LoadedConfig;
import org.recallctl.error.ConfigException;
import org.recallctl.error.ExitCodes;
import org.recallctl.output.Json;
import org.recallctl.output.Log;
import org.recallctl.output.Table;
import org.recallctl.pipeline.BuildOperation;
import org.recallctl.pipeline.Operation;
import org.recallctl.pipeline.OperationRunner;
import org.recallctl.search.FanOutSearcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", description = {"Tune nprobe/nlist: recall against exact ground truth, latency percentiles "
        + "and QPS at each concurrency, a recommendation and a chart.",
        "Exit 3 when --target-recall is given and no setting meets it."})
public class BenchCommand implements Callable<Integer> {
    private final CliContext ctx;
    @Mixin
    CommonOptions common;
    @Mixin
    JsonOption json;
    @Option(names = "--collection", description = "Collection to bench (default: the serving one, key1).")
    String collection;
    @Option(names = "--mode", defaultValue = "fanout", description = "fanout (one search per partition) or single.")
    String mode;
    @Option(names = "--queries", defaultValue = "200", description = "Queries sampled from the source (default: ${DEFAULT-VALUE}).")
    int queries;
    @Option(names = "--seed", defaultValue = "42", description = "Sampling/noise seed (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--noise", defaultValue = "0", paramLabel = "SIGMA", description = "Gaussian noise added to sampled queries, then renormalised.")
    double noise;
    @Option(names = "--query-file", paramLabel = "FILE", description = "Queries from a file (a saved queries.json, or one vector per line).")
    Path queryFile;
    @Option(names = "--topk", split = ",", description = "K values (default: search.topk).")
    List<Integer> topk;
    @Option(names = "--param", paramLabel = "NAME=V1,V2,...", description = "Search parameter sweep: nprobe=1,2,4 (IVF) or ef=16,32 (HNSW). Default: the configured value.")
    String param;
    @Option(names = "--concurrency", split = ",", defaultValue = "1", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    List<Integer> concurrency;
    @Option(names = "--nq", defaultValue = "1", paramLabel = "N", description = "Query vectors per search request "
            + "(default: ${DEFAULT-VALUE}); QPS counts vectors, latency is per request.")
    int nq;
    @Option(names = "--warmup", defaultValue = "20", description = "Uncounted warm-up queries per measurement (default: ${DEFAULT-VALUE}).")
    int warmup;
    @Option(names = "--measure-queries", description = "Queries measured per setting and concurrency (default: the query-set size).")
    Long measureQueries;
    @Option(names = "--duration", paramLabel = "SECONDS", description = "Measure each setting for this long instead of a query count.")
    Double duration;
    @Option(names = "--nlist", split = ",", description = "Rebuild the index per nlist (non-serving collection only) and sweep each.")
    List<Integer> nlist = new ArrayList<>();
    @Option(names = "--allow-serving", description = "Allow --nlist on the serving or rollback collection.")
    boolean allowServing;
    @Option(names = "--load", description = "Load the collection if it is not loaded.")
    boolean load;
    @Option(names = "--target-recall", description = "Recommend the cheapest setting with at least this mean recall.")
    Double targetRecall;
    @Option(names = "--max-p99", paramLabel = "MS", description = "With --target-recall: p99 limit, e.g. 20ms.")
    String maxP99;
    @Option(names = "--csv", paramLabel = "FILE", description = "Also write the table as CSV.")
    Path csv;
    @Option(names = "--chart", paramLabel = "FILE", description = "Chart file, .png or .svg (default: OUT/chart.png).")
    Path chart;
    @Option(names = "--out", paramLabel = "DIR", description = "Output directory for queries.json, results.json, chart (default: ./bench-<time>).")
    Path out;
    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Ground-truth cache (default: $XDG_CACHE_HOME/recallctl or ~/.cache/recallctl).")
    Path cacheDir;
    @Option(names = "--threads", description = "Ground-truth threads (default: all cores).")
    Integer threads;

    BenchCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        LoadedConfig loaded = common.load(ctx, CommonOptions.Flags.none());
        Log log = common.log(ctx);
        var cfg = loaded.config();
        FanOutSearcher.Mode m = switch (mode.toLowerCase(Locale.ROOT)) {
            case "fanout" -> FanOutSearcher.Mode.FANOUT;
            case "single" -> FanOutSearcher.Mode.SINGLE;
            default -> throw new ConfigException("--mode " + mode + ": use fanout or single");
        };
        if (queryFile == null && queries < 1) {
            throw new ConfigException("--queries " + queries + ": must be at least 1");
        }
        if (concurrency.stream().anyMatch(c -> c < 1 || c > 1024)) {
            throw new ConfigException("--concurrency " + concurrency + ": each level must be 1..1024");
        }
        if (nq < 1 || nq > 16384) {
            throw new ConfigException("--nq " + nq + ": must be 1..16384 (Milvus allows at most 16384 vectors per search)");
        }
        if (targetRecall != null && (targetRecall <= 0 || targetRecall > 1)) {
            throw new ConfigException("--target-recall " + targetRecall + ": must be in (0, 1], e.g. 0.95");
        }
        String paramName = null;
        List<Integer> values = List.of();
        if (param != null) {
            int eq = param.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("--param " + param + ": expected NAME=V1,V2,..., e.g. nprobe=1,2,4,8");
            }
            paramName = param.substring(0, eq).trim();
            values = ints(param.substring(eq + 1), "--param " + paramName);
        }
        Double maxP99Ms = maxP99 == null ? null : millis(maxP99);
        List<Integer> ks = topk == null || topk.isEmpty() ? List.of(cfg.search().topk()) : topk;
        Path outDir = out != null ? out : Path.of("bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Path cache = cacheDir != null ? cacheDir : CacheDirs.groundTruth(ctx.env());
        long durationMs = duration == null ? 0 : Math.round(duration * 1000);
        Bench.Options options = new Bench.Options(collection, m, queries, seed, noise, queryFile, ks, paramName, values,
                concurrency, Math.max(0, warmup), measureQueries != null ? measureQueries : 0, durationMs, nlist,
                allowServing, load, outDir, cache, threads != null ? threads : Runtime.getRuntime().availableProcessors(),
                nq);
        Bench.Report report;
        if (nlist.isEmpty()) {
            report = bench(cfg, log, options);
        } else {
            // --nlist rebuilds an index: a mutating operation, under the run lock like a build
            try {
                report = new OperationRunner(cfg, log, ctx.connections(), Clock.systemUTC()).run(Operation.of(
                        "bench --nlist " + nlist.stream().map(String::valueOf).collect(Collectors.joining(","))
                                + (collection == null ? "" : " --collection " + collection), true, run -> {
                            if (collection != null) {
                                BuildOperation.refuseBuilding(run.pointers(), collection, "rebuild the index of",
                                        run.milvus()::hasCollection);
                            }
                            return run.step("bench", step -> bench(cfg, log, options));
                        }));
            } finally {
                ctx.connections().endCommand();
            }
        }
        // --measure-queries default: one pass over the query set
        List<BenchRow> rows = report.results();
        Files.createDirectories(outDir);
        Path chartFile = BenchChart.write(BenchChart.build(rows, report.collection()),
                chart != null ? chart : outDir.resolve("chart.png"));
        Json.writeFile(outDir.resolve("results.json"), report, ctx.redactor());
        if (csv != null) {
            writeCsv(rows, csv);
        }
        List<Recommender.Choice> picks = new ArrayList<>();
        if (targetRecall != null) {
            for (int k : ks) {
                Recommender.pick(rows, k, targetRecall, maxP99Ms).ifPresent(picks::add);
            }
        }
        if (json.enabled()) {
            var node = Json.mapper().valueToTree(report);
            ((com.fasterxml.jackson.databind.node.ObjectNode) node).put("chart", chartFile.toString())
                    .put("out_dir", outDir.toString());
            if (targetRecall != null) {
                var rec = ((com.fasterxml.jackson.databind.node.ObjectNode) node).putArray("recommendations");
                picks.forEach(p -> rec.add(Json.object().put("k", p.atPeak().k()).put("index", p.atPeak().index())
                        .put("setting", p.atPeak().setting()).put("config", p.configLines())
                        .put("worst_p99_ms", p.worstP99Ms()).put("min_recall", p.minRecall())));
            }
            Json.print(ctx.out(), node);
        } else {
            print(report, rows, picks, ks, chartFile, outDir, ctx.out());
        }
        return targetRecall != null && picks.size() < ks.size() ? ExitCodes.CHECK_REFUSED : ExitCodes.OK;
    }

    private static Bench.Report bench(org.recallctl.config.RecallConfig cfg, Log log, Bench.Options options) {
        Bench bench = new Bench(cfg, log);
        try {
            return bench.run(options);
        } finally {
            bench.close();
        }
    }

    private void print(Bench.Report r, List<BenchRow> rows, List<Recommender.Choice> picks, List<Integer> ks,
                       Path chartFile, Path outDir, PrintWriter o) {
        o.printf("collection %s: %d rows, %d partitions, %s %s, metric %s, mode %s, %d queries, nq %d%n",
                r.collection(), r.rows(), r.partitions(), r.indexType(), r.indexParamsReported() ? r.indexParams()
                        : "(build params not reported by the server; configured: " + r.configuredIndexParams() + ")",
                r.metric(), r.mode(), r.queries(), r.nq());
        var g = r.groundTruth();
        o.printf("ground truth: %s, %d items x %d queries in %.2f s = %.2f GFLOP/s%s%n",
                g.cached() ? "cache hit" : "computed", g.items(), r.queries(), g.seconds(), g.gflops(),
                g.kernel() == null ? "" : ", kernel " + g.kernel());
        Table t = new Table("INDEX", "BUILD", "K", "SETTING", "CONC", "RECALL", "WORST1%", "P50", "P95", "P99", "MAX",
                "QPS", "ERRORS");
        for (BenchRow b : rows) {
            var m = b.m();
            t.row(b.index(), b.buildSeconds() == null ? "-" : String.format("%.1fs", b.buildSeconds()), b.k(),
                    b.setting(), b.concurrency(), f3(m.meanRecall()), f3(m.worst1pctRecall()), ms(m.p50Ms()),
                    ms(m.p95Ms()), ms(m.p99Ms()), ms(m.maxMs()), String.format("%.1f", m.qps()), m.errors());
        }
        o.println();
        t.print(o);
        o.println();
        printSummary(r.summary(), o);
        o.println();
        if (nlist.isEmpty() && r.indexType() != null && r.indexType().toUpperCase(Locale.ROOT).startsWith("IVF")) {
            o.printf("nlist: current %s; usual starting point 4*sqrt(n) = %d, n = rows per sealed segment = "
                    + "min(rows/partitions, 1 GiB/(4*dim)) = %d (IVF is built per segment)%n",
                    r.currentNlist() == null ? "? (not reported by the server)" : r.currentNlist(),
                    r.suggestedNlist(), r.rowsPerSegment());
        }
        BenchRow best = rows.stream().max(java.util.Comparator.comparingDouble((BenchRow b) -> b.m().meanRecall())
                .thenComparingDouble(b -> b.m().qps())).orElse(null);
        if (best != null) {
            o.printf("summary: best recall %.3f (%s %s K=%d c=%d, p99 %s, %.0f QPS); peak QPS %.0f%n",
                    best.m().meanRecall(), best.index(), best.setting(), best.k(), best.concurrency(),
                    ms(best.m().p99Ms()), best.m().qps(), rows.stream().mapToDouble(b -> b.m().qps()).max().orElse(0));
        }
        if (targetRecall != null) {
            for (int k : ks) {
                var p = picks.stream().filter(c -> c.atPeak().k() == k).findFirst();
                if (p.isPresent()) {
                    o.printf("recommendation for recall@%d >= %.3f%s: %s %s (worst p99 %s, %.0f QPS at c=%d)%n", k,
                            targetRecall, maxP99 == null ? "" : " and p99 <= " + maxP99, p.get().atPeak().index(),
                            p.get().atPeak().setting(), ms(p.get().worstP99Ms()), p.get().atPeak().m().qps(),
                            p.get().atPeak().concurrency());
                    p.get().configLines().lines().forEach(l -> o.println("  " + l));
                } else {
                    o.printf("no setting reaches recall@%d >= %.3f%s: raise nprobe/ef or nlist%n", k, targetRecall,
                            maxP99 == null ? "" : " within p99 " + maxP99);
                }
            }
        }
        o.println("files: " + outDir.resolve("queries.json") + ", " + outDir.resolve("results.json") + ", " + chartFile
                + (csv != null ? ", " + csv : ""));
        o.flush();
    }

    /**
     * QPS at recall >= 0.90 / 0.95 / 0.99, one line per K and concurrency: the cheapest setting reaching each
     * target, or how far the best one got.
     */
    static void printSummary(List<Bench.SummaryRow> cells, PrintWriter o) {
        if (cells.isEmpty()) {
            return;
        }
        List<Double> targets = cells.stream().map(Bench.SummaryRow::recallTarget).distinct().toList();
        List<String> head = new ArrayList<>(List.of("K", "CONC"));
        targets.forEach(t -> head.add(String.format(Locale.ROOT, "QPS@RECALL>=%.2f", t)));
        Table t = new Table(head.toArray(String[]::new));
        boolean oneIndex = cells.stream().filter(Bench.SummaryRow::reached).map(Bench.SummaryRow::index).distinct()
                .count() <= 1;
        for (int i = 0; i < cells.size(); i += targets.size()) {
            List<Object> line = new ArrayList<>(List.of(cells.get(i).k(), cells.get(i).concurrency()));
            for (Bench.SummaryRow c : cells.subList(i, i + targets.size())) {
                line.add(c.reached()
                        ? String.format(Locale.ROOT, "%.0f (%s%s)", c.qps(), oneIndex ? "" : c.index() + " ", c.setting())
                        : String.format(Locale.ROOT, "not reached (best %.3f)", c.bestRecall()));
            }
            t.row(line.toArray());
        }
        o.println("QPS at recall (the cheapest setting reaching it, per K and concurrency"
                + (cells.get(0).nq() > 1 ? "; query vectors/s at nq=" + cells.get(0).nq() : "") + "):");
        t.print(o);
    }

    /** The CSV has exactly the JSON rows' columns ({@link BenchRow#columns()}), in the same order. */
    static void writeCsv(List<BenchRow> rows, Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        if (!rows.isEmpty()) {
            sb.append(String.join(",", rows.get(0).columns().keySet())).append('\n');
        }
        for (BenchRow b : rows) {
            sb.append(String.join(",", b.columns().values().stream().map(BenchCommand::csvField).toList())).append('\n');
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, sb.toString());
    }

    /** RFC 4180: null is empty; a field with a comma, quote or line break is quoted, quotes doubled. */
    static String csvField(Object o) {
        String v = o == null ? "" : String.valueOf(o);
        return v.matches("(?s).*[,\"\r\n].*") ? '"' + v.replace("\"", "\"\"") + '"' : v;
    }

    private static String f3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, v < 10 ? "%.2fms" : "%.1fms", v);
    }

    static List<Integer> ints(String csv, String what) {
        List<Integer> out = new ArrayList<>();
        for (String p : csv.split(",")) {
            try {
                out.add(Integer.parseInt(p.trim()));
            } catch (NumberFormatException e) {
                throw new ConfigException(what + ": '" + p.trim() + "' is not a whole number");
            }
        }
        if (out.isEmpty()) {
            throw new ConfigException(what + ": no values");
        }
        return out;
    }

    /** --max-p99: 20ms, 0.5s, or a bare number of milliseconds ({@link DurationText}); above zero. */
    static double millis(String s) {
        Duration d;
        try {
            d = DurationText.parse(s, ChronoUnit.MILLIS);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--max-p99 " + e.getMessage() + ": expected a duration like 20ms or 0.5s");
        }
        if (d.isZero()) {
            throw new ConfigException("--max-p99 '" + s + "' is zero: no query would pass; give a limit like 20ms");
        }
        return d.toNanos() / 1e6;
    }
}
