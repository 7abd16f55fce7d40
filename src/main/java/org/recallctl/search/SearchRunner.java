package org.recallctl.search;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.ConfigException;
import org.recallctl.error.DependencyException;
import org.recallctl.milvus.CollectionLayout;
import org.recallctl.milvus.LoadInfo;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.milvus.ParamValues;
import org.recallctl.milvus.Partitions;
import org.recallctl.pointer.PointerKeys;
import org.recallctl.session.Connections;
import org.recallctl.source.BadVectorException;
import org.recallctl.source.ItemSource;
import org.recallctl.source.VectorCodec;
import org.recallctl.source.Vectors;

/**
 * The search use case without the command line: resolve the collection, gather query vectors, fan out, merge,
 * and describe the result. Connections come from {@link Connections}, so the shell's second search reuses them.
 */
public final class SearchRunner {
    public static final int MAX_TOPK = 16384;
    private static final Pattern PARTITION = Pattern.compile("p(\\d+)");

    /**
     * @param literal    vectors given on the command line or in a file (already syntax-checked)
     * @param itemIds    --item-id values
     * @param random     --random N (0 = none)
     * @param partitions partition indexes to search (empty = all)
     * @param params     --param overrides on top of search.params
     */
    public record Options(Optional<String> collection, List<Query> literal, List<Long> itemIds, int random, long seed,
                          FanOutSearcher.Mode mode, List<Integer> partitions, int topK, Map<String, String> params,
                          String filter, List<String> outputFields, boolean allowPartial) {
    }

    private final RecallConfig cfg;
    private final Connections connections;
    private final Consumer<String> warn;

    public SearchRunner(RecallConfig cfg, Connections connections, Consumer<String> warn) {
        this.cfg = cfg;
        this.connections = connections;
        this.warn = warn;
    }

    /** Usage checks that need no connection, so a typo fails in milliseconds. */
    public static void validate(Options o) {
        if (o.topK() < 1 || o.topK() > MAX_TOPK) {
            throw new ConfigException("--topk " + o.topK() + ": must be between 1 and " + MAX_TOPK + " (Milvus' limit)");
        }
        int sources = (o.literal().isEmpty() ? 0 : 1) + (o.itemIds().isEmpty() ? 0 : 1) + (o.random() > 0 ? 1 : 0);
        if (sources == 0) {
            throw new ConfigException("no query: give --item-id ID, --vector '[..]', --vector-file FILE or --random N");
        }
        if (o.random() < 0 || o.random() > QueryVectors.MAX_QUERIES) {
            throw new ConfigException("--random " + o.random() + ": must be between 1 and " + QueryVectors.MAX_QUERIES);
        }
        if (o.literal().size() + o.itemIds().size() + o.random() > QueryVectors.MAX_QUERIES) {
            throw new ConfigException("more than " + QueryVectors.MAX_QUERIES + " query vectors (Milvus' nq limit)");
        }
        for (int p : o.partitions()) {
            if (p < 0) {
                throw new ConfigException("--partitions: " + p + " is not a partition index (0, 1, ...)");
            }
        }
    }

    public SearchReport run(Options o) {
        validate(o);
        int timeout = cfg.search().timeoutMs();
        MilvusGateway milvus = connections.milvusReads(cfg, timeout);
        var resolved = new PointerResolver(milvus, warn).resolve(o.collection(), () -> connections.pointers(cfg),
                PointerKeys.of(cfg), cfg.collection().alias());
        String collection = resolved.collection();
        CollectionLayout layout = milvus.layout(collection);
        int p = partitionCount(layout);
        // --partitions 0,0 searched p0 twice and merged every hit twice: each partition is searched once
        List<Integer> requested = o.partitions().stream().distinct().toList();
        if (requested.size() < o.partitions().size()) {
            warn.accept("--partitions " + o.partitions().stream().map(String::valueOf).collect(
                    java.util.stream.Collectors.joining(",")) + " names a partition more than once; each is searched once");
        }
        List<Integer> parts = requested.isEmpty() ? range(p) : requested;
        for (int i : parts) {
            if (i >= p) {
                throw new ConfigException("--partitions: " + collection + " has partitions p0..p" + (p - 1)
                        + ", not p" + i);
            }
        }
        // a partition of the layout that is gone (dropped by hand, a half-done repair) is a failed partition:
        // real Milvus errors on it, but milvus-lite silently returns nothing, which would look like "0 hits"
        Map<Integer, String> absent = new LinkedHashMap<>();
        List<Integer> present = new ArrayList<>();
        for (int i : parts) {
            if (layout.partitions().contains(Partitions.name(i))) {
                present.add(i);
            } else {
                absent.put(i, "missing from collection " + collection + " (dropped?)");
            }
        }
        if (!absent.isEmpty() && (!o.allowPartial() || present.isEmpty())) {
            var first = absent.entrySet().iterator().next();
            String names = String.join(", ", absent.keySet().stream().map(Partitions::name).toList());
            throw new DependencyException("milvus", "partition" + (absent.size() == 1 ? " " : "s ") + names
                    + " failed (" + absent.size() + " of " + parts.size() + "); " + Partitions.name(first.getKey())
                    + ": " + first.getValue() + (present.isEmpty() ? "" : " (use --allow-partial to return what came back)"));
        }
        List<Query> queries = new ArrayList<>(o.literal());
        QueryVectors.checkDimension(queries, layout.dimension(), collection);
        queries.addAll(itemQueries(o, milvus, layout));

        Map<String, Object> params = new LinkedHashMap<>();
        cfg.search().params().forEach((k, v) -> params.put(k, ParamValues.typed(v)));
        o.params().forEach((k, v) -> params.put(k, ParamValues.typed(v)));
        List<float[]> vectors = queries.stream().map(Query::vector).toList();
        SearchRequest req = new SearchRequest(collection, vectors, o.topK(), params,
                o.filter() == null || o.filter().isBlank() ? null : o.filter(), o.outputFields(),
                absent.isEmpty() ? requested : present, o.allowPartial());
        FanOutSearcher searcher = new FanOutSearcher(milvus, layout.vectorField(), p, cfg.collection().metric(), timeout);
        SearchResult result;
        try {
            result = searcher.search(req, o.mode());
        } catch (DependencyException e) {
            throw explainNotLoaded(milvus, collection, e);
        }
        if (!result.failedPartitions().isEmpty()) {
            explainNotLoadedIfSo(milvus, collection);
        }
        if (!result.failedPartitions().isEmpty() && result.failedPartitions().size() == parts.size()
                && o.mode() == FanOutSearcher.Mode.FANOUT) {
            var first = result.failedPartitions().entrySet().iterator().next();
            throw new DependencyException("milvus", "all " + parts.size() + " partitions failed, nothing to return; "
                    + Partitions.name(first.getKey()) + ": " + first.getValue());
        }
        if (!absent.isEmpty()) {
            Map<Integer, String> failed = new LinkedHashMap<>(absent);
            failed.putAll(result.failedPartitions());
            result = new SearchResult(result.hits(), result.partitionMillis(), result.mergeMillis(),
                    result.totalMillis(), failed);
        }
        return report(o, resolved, parts, params, queries, result);
    }

    /** P of the collection's layout: highest p&lt;i&gt; + 1, so a missing middle partition shows up as a failure. */
    public static int partitionCount(CollectionLayout layout) {
        int max = -1;
        for (String name : layout.partitions()) {
            Matcher m = PARTITION.matcher(name);
            if (m.matches()) {
                max = Math.max(max, Integer.parseInt(m.group(1)));
            }
        }
        if (max < 0) {
            throw new ConfigException("collection " + layout.name() + " has no p0..pN partitions (not built by "
                    + "recallctl?); partitions found: " + layout.partitions());
        }
        return max + 1;
    }

    private List<Query> itemQueries(Options o, MilvusGateway milvus, CollectionLayout layout) {
        if (o.itemIds().isEmpty() && o.random() == 0) {
            return List.of();
        }
        List<Long> ids = new ArrayList<>(o.itemIds());
        ItemSource source = null;
        DependencyException sourceDown = null;
        try {
            source = connections.source(cfg);
            if (o.random() > 0) {
                List<Long> sampled = source.sampleIds(o.random(), o.seed());
                if (sampled.isEmpty()) {
                    throw new ConfigException("--random: source table " + cfg.source().table() + " has no rows");
                }
                ids.addAll(sampled);
            }
        } catch (DependencyException e) {
            if (o.random() > 0) {
                throw e; // sampling needs the source
            }
            sourceDown = e;
            warn.accept("source unreachable (" + e.getMessage() + "); reading item vectors from collection "
                    + layout.name());
        }
        VectorCodec codec = new VectorCodec(cfg.source().encoding(), cfg.source().dimension());
        List<Query> out = new ArrayList<>(ids.size());
        for (long id : ids) {
            float[] v = null;
            String from = null;
            if (sourceDown == null) {
                Optional<Object> raw;
                try {
                    raw = source.rawVector(id);
                } catch (DependencyException e) {
                    sourceDown = e;
                    warn.accept("source failed (" + e.getMessage() + "); reading item vectors from collection "
                            + layout.name());
                    raw = Optional.empty();
                }
                if (raw.isPresent()) {
                    try {
                        v = codec.decode(raw.get());
                        if (cfg.source().normalize()) {
                            Vectors.normalize(v); // as the build stored it
                        }
                        from = "source";
                    } catch (BadVectorException e) {
                        throw new ConfigException("item " + id + ": its vector in " + cfg.source().table()
                                + " is unusable: " + e.getMessage());
                    }
                }
            }
            if (v == null) {
                v = milvus.vectorOf(layout.name(), cfg.collection().idField(), layout.vectorField(), id).orElse(null);
                if (v == null) {
                    throw new ConfigException("--item-id " + id + ": no such item in " + (sourceDown == null
                            ? "source table " + cfg.source().table() + " nor in " : "") + "collection " + layout.name());
                }
                if (sourceDown == null) {
                    warn.accept("item " + id + " is not in source table " + cfg.source().table()
                            + "; using its vector stored in " + layout.name());
                }
                from = "collection";
            }
            if (v.length != layout.dimension()) {
                throw new ConfigException("item " + id + ": vector of dimension " + v.length + " (collection "
                        + layout.name() + " has dimension " + layout.dimension() + ")");
            }
            out.add(new Query("item " + id + " (" + from + ")", id, v));
        }
        return out;
    }

    private SearchReport report(Options o, PointerResolver.Resolved resolved, List<Integer> parts,
                                Map<String, Object> params, List<Query> queries, SearchResult result) {
        List<String> partNames = parts.stream().map(Partitions::name).toList();
        List<SearchReport.QueryHits> qs = new ArrayList<>();
        for (int q = 0; q < queries.size(); q++) {
            List<ScoredHit> hits = q < result.hits().size() ? result.hits().get(q) : List.of();
            Map<String, Integer> contribution = new LinkedHashMap<>();
            partNames.forEach(n -> contribution.put(n, 0));
            List<SearchReport.Row> rows = new ArrayList<>(hits.size());
            for (int r = 0; r < hits.size(); r++) {
                ScoredHit h = hits.get(r);
                String pn = Partitions.name(h.partition());
                contribution.merge(pn, 1, Integer::sum);
                rows.add(new SearchReport.Row(r + 1, h.id(), h.score(), pn, h.fields()));
            }
            Query query = queries.get(q);
            qs.add(new SearchReport.QueryHits(q + 1, query.label(), query.itemId(), rows, contribution));
        }
        Map<String, Double> callMs = new TreeMap<>((a, b) -> a.length() != b.length() ? a.length() - b.length()
                : a.compareTo(b)); // p2 before p10
        double slowest = 0;
        for (var e : result.partitionMillis().entrySet()) {
            callMs.put(e.getKey() < 0 ? "all" : Partitions.name(e.getKey()), round(e.getValue()));
            slowest = Math.max(slowest, e.getValue());
        }
        Map<String, String> missing = new LinkedHashMap<>();
        result.failedPartitions().forEach((k, v) -> missing.put(Partitions.name(k), v));
        var timings = new SearchReport.Timings(callMs, round(slowest), round(result.mergeMillis()),
                round(result.totalMillis()), round(result.totalMillis() - slowest));
        return new SearchReport(resolved.collection(), resolved.via(), o.mode().name().toLowerCase(),
                cfg.collection().metric().name(), o.topK(), params, o.filter(), o.outputFields(), partNames,
                !missing.isEmpty(), missing, o.random() > 0 ? o.seed() : null, qs, timings);
    }

    /**
     * A search on a released collection fails with an opaque SDK message ("unknown enum value") although the
     * server said "call load()". Only on the failure path, ask for the load state and name the fix.
     */
    private static DependencyException explainNotLoaded(MilvusGateway milvus, String collection, DependencyException e) {
        try {
            explainNotLoadedIfSo(milvus, collection);
        } catch (DependencyException notLoaded) {
            return notLoaded;
        }
        return e;
    }

    private static void explainNotLoadedIfSo(MilvusGateway milvus, String collection) {
        LoadInfo load;
        try {
            load = milvus.loadState(collection);
        } catch (RuntimeException unreachable) {
            return; // the original failure says more
        }
        if (!load.loaded()) {
            throw new DependencyException("milvus", "collection " + collection + " is not loaded (" + load.state()
                    + "), so it cannot be searched; load it with 'recallctl warmup --collection " + collection + "'");
        }
    }

    private static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }

    private static List<Integer> range(int n) {
        List<Integer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }
}
