package org.recallctl.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.recallctl.config.LoadedConfig;
import org.recallctl.error.ConfigException;
import org.recallctl.error.ExitCodes;
import org.recallctl.output.Json;
import org.recallctl.output.Log;
import org.recallctl.output.Table;
import org.recallctl.search.FanOutSearcher;
import org.recallctl.search.Query;
import org.recallctl.search.QueryVectors;
import org.recallctl.search.SearchReport;
import org.recallctl.search.SearchRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "search", sortOptions = false,
        description = {"TopK search on the serving collection (the one key1 names), fanned out over its partitions "
                + "concurrently and merged exactly; shows which partition each hit came from, how much each "
                + "partition contributed and how long each call took.",
                "Exit 2 for a bad query or option, 4 when Redis/Milvus/MySQL fail, a partition fails (unless "
                        + "--allow-partial) or the pointer names a missing collection or is unset."})
public class SearchCommand implements Callable<Integer> {
    private final CliContext ctx;
    @Mixin
    CommonOptions common;
    @Mixin
    JsonOption json;

    @Option(names = "--collection", paramLabel = "NAME", description = "Search this collection, bypassing key1.")
    String collection;
    @Option(names = "--item-id", paramLabel = "ID", split = ",",
            description = "Query with this item's vector (from the source table; from the collection when the "
                    + "source is unreachable or lacks it). Repeatable.")
    List<Long> itemIds = new ArrayList<>();
    @Option(names = "--vector", paramLabel = "VECTOR",
            description = "Query vector as a JSON array '[0.1, ...]' or comma-separated numbers. Repeatable.")
    List<String> vectors = new ArrayList<>();
    @Option(names = "--vector-file", paramLabel = "FILE",
            description = "One query vector per line (JSON array or CSV; '#' comments); '-' reads stdin.")
    String vectorFile;
    @Option(names = "--random", paramLabel = "N", defaultValue = "0",
            description = "Query with N items sampled from the source table.")
    int random;
    @Option(names = "--seed", paramLabel = "S", description = "Sampling seed for --random (default: random, printed).")
    Long seed;
    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "fanout",
            description = "fanout (one request per partition, merged here) or single (one request over all "
                    + "partitions, merged by Milvus). Default: ${DEFAULT-VALUE}.")
    FanOutSearcher.Mode mode;
    @Option(names = "--partitions", paramLabel = "I", split = ",",
            description = "Search only these partition indexes, e.g. 0,3 (default: all).")
    List<Integer> partitions = new ArrayList<>();
    @Option(names = {"-k", "--topk"}, paramLabel = "K", description = "Results per query, 1..16384 (default: search.topk).")
    Integer topk;
    @Option(names = "--param", paramLabel = "NAME=VALUE",
            description = "Search parameter, e.g. nprobe=16 or ef=64 (repeatable; default: search.params).")
    Map<String, String> params = new LinkedHashMap<>();
    @Option(names = "--filter", paramLabel = "EXPR", description = "Milvus boolean expression, e.g. 'category == 3'.")
    String filter;
    @Option(names = "--output-fields", paramLabel = "F", split = ",",
            description = "Scalar fields to show with each hit, e.g. category,brand.")
    List<String> outputFields = new ArrayList<>();
    @Option(names = "--allow-partial",
            description = "When partitions fail, return what the others found and name the missing ones.")
    boolean allowPartial;

    SearchCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        // syntax first: a mistyped vector should fail before any connection is opened
        List<Query> literal = literalQueries();
        long s = seed != null ? seed : System.nanoTime() & 0xffffffL;
        var options = new SearchRunner.Options(Optional.ofNullable(collection), literal, List.copyOf(itemIds), random,
                s, mode, List.copyOf(partitions), topk == null ? 1 : topk, params, filter, List.copyOf(outputFields),
                allowPartial);
        SearchRunner.validate(options); // before any connection: a usage mistake fails in milliseconds
        LoadedConfig loaded = common.load(ctx, CommonOptions.Flags.none().put("search.topk", topk, "--topk"));
        var cfg = loaded.config();
        options = new SearchRunner.Options(options.collection(), literal, options.itemIds(), random, s, mode,
                options.partitions(), cfg.search().topk(), params, filter, options.outputFields(), allowPartial);
        Log log = common.log(ctx);
        SearchReport report;
        try {
            report = new SearchRunner(cfg, ctx.connections(), log::warn).run(options);
        } finally {
            ctx.connections().endCommand();
        }
        if (report.partial()) {
            report.missingPartitions().forEach((p, why) -> log.warn("partial results: partition %s missing: %s", p, why));
        }
        if (json.enabled()) {
            Json.print(ctx.out(), report);
        } else {
            print(report, ctx.out());
        }
        return ExitCodes.OK;
    }

    private List<Query> literalQueries() {
        List<Query> out = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            String where = vectors.size() == 1 ? "--vector" : "--vector #" + (i + 1);
            out.add(new Query(where, null, QueryVectors.parse(vectors.get(i), where)));
        }
        if (vectorFile != null) {
            if ("-".equals(vectorFile)) {
                out.addAll(QueryVectors.readLines(new BufferedReader(new InputStreamReader(ctx.in(),
                        StandardCharsets.UTF_8)), "stdin"));
            } else {
                try (BufferedReader r = Files.newBufferedReader(Path.of(vectorFile), StandardCharsets.UTF_8)) {
                    out.addAll(QueryVectors.readLines(r, vectorFile));
                } catch (NoSuchFileException e) {
                    throw new ConfigException("--vector-file " + vectorFile + ": no such file");
                } catch (IOException e) {
                    throw new ConfigException("--vector-file " + vectorFile + ": cannot read: " + e.getMessage());
                }
            }
        }
        return out;
    }

    static void print(SearchReport r, PrintWriter out) {
        out.printf("collection %s (via %s), mode %s, metric %s, top %d, params %s%s%s%n", r.collection(),
                r.resolvedVia(), r.mode(), r.metric(), r.topk(), r.params(),
                r.filter() == null ? "" : ", filter " + r.filter(), r.seed() == null ? "" : ", seed " + r.seed());
        Map<String, Integer> total = new LinkedHashMap<>();
        r.partitions().forEach(p -> total.put(p, 0));
        for (var q : r.queries()) {
            out.println();
            out.println("query " + q.query() + ": " + q.source());
            List<String> head = new ArrayList<>(List.of("RANK", "ITEM_ID", "SCORE", "PARTITION"));
            r.outputFields().forEach(f -> head.add(f.toUpperCase()));
            Table t = new Table(head.toArray(String[]::new));
            for (var h : q.hits()) {
                List<Object> cells = new ArrayList<>(List.of(h.rank(), h.itemId(), String.format("%.6f", h.score()),
                        h.partition()));
                r.outputFields().forEach(f -> cells.add(h.fields().get(f)));
                t.row(cells.toArray());
            }
            if (t.size() == 0) {
                out.println("  no hits");
            } else {
                t.print(out);
            }
            StringBuilder c = new StringBuilder("hits per partition:");
            q.contribution().forEach((p, n) -> {
                c.append(' ').append(p).append('=').append(n);
                total.merge(p, n, Integer::sum);
            });
            out.println(c);
        }
        out.println();
        Table parts = new Table("PARTITION", "CALL_MS", "HITS_IN_TOPK", "STATUS");
        if ("single".equals(r.mode())) {
            parts.row("all", fmt(r.timingsMs().partitions().get("all")), "-", "ok");
            total.forEach((p, n) -> parts.row(p, "-", n, "ok"));
        } else {
            for (String p : r.partitions()) {
                String missing = r.missingPartitions().get(p);
                parts.row(p, fmt(r.timingsMs().partitions().get(p)), total.get(p),
                        missing == null ? "ok" : "FAILED: " + missing);
            }
        }
        parts.print(out);
        var t = r.timingsMs();
        out.printf("timings: slowest call %s ms, merge %s ms, total %s ms, fan-out+merge overhead %s ms%n",
                fmt(t.slowestCall()), fmt(t.merge()), fmt(t.total()), fmt(t.overhead()));
        if (r.partial()) {
            out.println("PARTIAL: missing partitions " + String.join(", ", r.missingPartitions().keySet()));
        }
        out.flush();
    }

    private static String fmt(Double ms) {
        return ms == null ? "-" : String.format("%.3f", ms);
    }
}
