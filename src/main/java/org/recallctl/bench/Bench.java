package org.recallctl.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.recallctl.config.Metric;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.ConfigException;
import org.recallctl.error.DependencyException;
import org.recallctl.milvus.CollectionInfo;
import org.recallctl.milvus.IndexInfo;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.output.Log;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.search.FanOutSearcher;
import org.recallctl.search.ScoredHit;
import org.recallctl.search.SearchRequest;
import org.recallctl.source.MysqlItemSource;
import org.recallctl.source.VectorCodec;

/**
 * The bench step: resolve the collection, validate the sweep, build or load the query set, get the exact TopK,
 * then measure every (index setting × K × parameter value × concurrency) through FanOutSearcher on the read
 * endpoint. The command only parses flags and prints {@link Report}.
 */
public final class Bench {
    public record Options(String collection, FanOutSearcher.Mode mode, int queries, long seed, double noise,
                          Path queryFile, List<Integer> topks, String param, List<Integer> values,
                          List<Integer> concurrency, int warmup, long measureQueries, long durationMs,
                          List<Integer> nlists, boolean allowServing, boolean load, Path outDir, Path cacheDir,
                          int threads, int nq) {
    }

    /**
     * {@code indexParams}: as the server reported them (empty when it did not: {@code indexParamsReported} false,
     * {@code currentNlist} null); {@code configuredIndexParams}: index.params, for the record only.
     */
    public record Report(String collection, String indexType, Map<String, String> indexParams,
                         boolean indexParamsReported, Map<String, String> configuredIndexParams, long rows,
                         int partitions, Metric metric, String mode, int queries, String queryFile, int nq,
                         GroundTruthInfo groundTruth, Integer currentNlist, long rowsPerSegment, int suggestedNlist,
                         List<BenchRow> results, List<SummaryRow> summary) {
    }

    /** One cell of "QPS at recall >= target" (see {@link RecallTargets}); the measured fields are null if not reached. */
    public record SummaryRow(int k, int concurrency, int nq, double recallTarget, boolean reached, Double qps,
                             String index, String setting, Double meanRecall, Double p99Ms, double bestRecall) {
        public static SummaryRow of(RecallTargets.Cell c) {
            BenchRow b = c.best().orElse(null);
            return new SummaryRow(c.k(), c.concurrency(), c.nq(), c.target(), c.reached(),
                    b == null ? null : b.m().qps(), b == null ? null : b.index(), b == null ? null : b.setting(),
                    b == null ? null : b.m().meanRecall(), b == null ? null : b.m().p99Ms(), c.bestRecall());
        }
    }

    /** {@code kernel}: the scoring kernel that computed it (null when it came from the cache). */
    public record GroundTruthInfo(boolean cached, String cacheFile, long items, double seconds, double gflops,
                                  long sourceRows, String checksum, String kernel) {
    }

    private final RecallConfig cfg;
    private final Log log;

    public Bench(RecallConfig cfg, Log log) {
        this.cfg = cfg;
        this.log = log;
    }

    public Report run(Options o) {
        Metric metric = cfg.collection().metric();
        ParamRules.checkTopK(o.topks());
        try (MilvusGateway milvus = MilvusGateway.forReads(cfg.milvus(), Math.max(cfg.search().timeoutMs(), 1000))) {
            String collection = resolve(o);
            milvus.requireCollection(collection, o.collection() != null ? "--collection" : "the serving pointer (key1)");
            CollectionInfo info = milvus.describe(collection);
            BenchedIndex benched = BenchedIndex.of(info.index(), cfg.index().type(), cfg.index().params());
            IndexInfo index = withConfigFallback(benched, info.index());
            if (!info.index().exists()) {
                throw new ConfigException("collection " + collection + " has no vector index; build one first");
            }
            if (info.rows() == 0) {
                throw new ConfigException("collection " + collection + " is empty: nothing to benchmark");
            }
            if (!info.load().loaded()) {
                if (!o.load()) {
                    throw new ConfigException("collection " + collection + " is not loaded (" + info.load().state()
                            + "); load it first or pass --load");
                }
                milvus.load(collection, cfg.milvus().loadTimeoutS() * 1000L, l -> log.info("loading %s: %d%%",
                        collection, l.progress()));
            }
            String param = o.param() != null ? o.param() : defaultParam(index.type());
            List<Integer> values = o.param() != null ? o.values() : defaultValues(param);
            ParamRules.checkParam(o.nlists().isEmpty() ? index.type() : sweepType(index.type()), param);
            Integer nlist = benched.nlist(); // null when not reported: never the configured value as if measured
            if (o.nlists().isEmpty()) {
                if (nlist != null || benched.configuredNlist() == null) {
                    ParamRules.checkValues(param, values, nlist, o.topks());
                } else { // the best guess at what Milvus will check, said as such
                    ParamRules.checkValues(param, values, benched.configuredNlist(), false, o.topks());
                }
            } else {
                ParamRules.checkValues(param, values, null, o.topks());
                refuseServing(collection, o.allowServing());
            }
            int parts = info.partitions().size();
            FanOutSearcher.Mode mode = parts == 0 ? FanOutSearcher.Mode.SINGLE : o.mode();
            int k = o.topks().stream().max(Integer::compare).orElse(10);
            QuerySet qs;
            GroundTruth.Outcome gt;
            try (MysqlItemSource source = MysqlItemSource.open(cfg, 2)) {
                boolean normalize = GroundTruth.normalizes(cfg, metric);
                qs = o.queryFile() != null ? normalized(QuerySet.load(o.queryFile(), info.dimension()), normalize)
                        : new QuerySampler(source, new VectorCodec(cfg.source().encoding(), cfg.source().dimension()),
                        normalize).sample(o.queries(), o.seed(), o.noise(), cfg.source().dimension());
                if (qs.size() == 0) {
                    throw new ConfigException("no usable query vectors (source rows all bad?)");
                }
                save(qs, o.outDir().resolve("queries.json"));
                gt = GroundTruth.obtain(cfg, source, metric, k, qs, new GroundTruthCache(o.cacheDir()), o.threads(), log);
            }
            long perSegment = ParamRules.rowsPerSegment(info.rows(), Math.max(1, parts), info.dimension());
            List<BenchRow> rows = new ArrayList<>();
            FanOutSearcher searcher = new FanOutSearcher(milvus, cfg.collection().vectorField(), Math.max(1, parts),
                    metric, cfg.search().timeoutMs());
            SearchTarget target = (vecs, kk, params) -> {
                var res = searcher.search(new SearchRequest(collection, vecs, kk, params, null, List.of(),
                        List.of(), false), mode);
                List<SearchTarget.Hits> out = new ArrayList<>(vecs.size());
                for (List<ScoredHit> hits : res.hits()) {
                    long[] ids = new long[hits.size()];
                    float[] sc = new float[hits.size()];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = hits.get(i).id();
                        sc[i] = hits.get(i).score();
                    }
                    out.add(new SearchTarget.Hits(ids, sc));
                }
                return out;
            };
            LoadRunner runner = new LoadRunner(target, qs.array(), gt.result(), metric);
            if (o.nlists().isEmpty()) {
                measure(runner, o, benched.label(), benched.type(), nlist, null, param, values, rows);
            } else {
                String type = sweepType(index.type());
                try (IndexSweep sweep = new IndexSweep(milvus(), collection, cfg.collection().vectorField(),
                        metric.name(), index, cfg.milvus().indexTimeoutS() * 1000L,
                        cfg.milvus().loadTimeoutS() * 1000L, log)) {
                    for (int nl : o.nlists()) {
                        Map<String, String> p = new LinkedHashMap<>(index.params());
                        p.put("nlist", String.valueOf(nl));
                        double secs = sweep.rebuild(type, p);
                        List<Integer> vs = "nprobe".equals(param)
                                ? values.stream().filter(v -> v <= nl).toList() : values;
                        if (vs.size() < values.size()) {
                            log.info("nlist=%d: skipping nprobe > nlist", nl);
                        }
                        measure(runner, o, BenchedIndex.built(type, p, benched).label(), type, nl, secs, param, vs, rows);
                    }
                }
            }
            ExactTopK.Result r = gt.result();
            return new Report(collection, benched.type(), benched.params(), benched.paramsReported(),
                    benched.configuredParams(), info.rows(), parts, metric, mode.name().toLowerCase(), qs.size(),
                    o.outDir().resolve("queries.json").toString(), o.nq(),
                    new GroundTruthInfo(gt.cached(), gt.cacheFile().toString(), r.items(), r.seconds(), r.gflops(),
                            gt.data().rows(), gt.data().checksum(), gt.kernel()),
                    nlist, perSegment, ParamRules.suggestedNlist(perSegment), rows,
                    RecallTargets.summarize(rows, RecallTargets.DEFAULT).stream().map(SummaryRow::of).toList());
        }
    }

    // index rebuilds go to the write endpoint
    private MilvusGateway writer;

    private MilvusGateway milvus() {
        if (writer == null) {
            writer = MilvusGateway.forWrites(cfg.milvus());
        }
        return writer;
    }

    private void measure(LoadRunner runner, Options o, String label, String type, Integer nlist, Double buildSecs,
                         String param, List<Integer> values, List<BenchRow> rows) {
        List<Integer> vs = param == null ? java.util.Collections.singletonList(null) : values;
        for (int k : o.topks()) {
            for (Integer v : vs) {
                Map<String, Object> params = v == null ? Map.of() : Map.of(param, v);
                for (int c : o.concurrency()) {
                    long n = o.durationMs() > 0 ? 0 : o.measureQueries();
                    Measurement m = runner.run(k, params, c, o.nq(), o.warmup(), n, o.durationMs());
                    log.info("%s K=%d %s c=%d: recall %.3f (worst 1%% %.3f) p50 %.1f p99 %.1f ms, %.1f QPS%s", label,
                            k, v == null ? "-" : param + "=" + v, c, m.meanRecall(), m.worst1pctRecall(), m.p50Ms(),
                            m.p99Ms(), m.qps(), m.errors() > 0 ? ", " + m.errors() + " errors: " + m.lastError() : "");
                    if (m.queries() == 0 && m.errors() > 0) {
                        // recall 0 and p99 0 ms would read as a result: a setting that answered nothing is a failure
                        throw new DependencyException("milvus", "every query of " + label + " K=" + k
                                + (v == null ? "" : " " + param + "=" + v) + " c=" + c + " failed (" + m.errors()
                                + " errors, last: " + m.lastError() + "); nothing was measured");
                    }
                    rows.add(new BenchRow(label, type, nlist, buildSecs, k, param, v, c, o.nq(), m));
                }
            }
        }
    }

    private String resolve(Options o) {
        if (o.collection() != null) {
            return o.collection();
        }
        try (RedisPointerStore pointers = RedisPointerStore.connect(cfg)) {
            return pointers.current().orElseThrow(() -> new ConfigException("no serving collection: "
                    + pointers.keys().current() + " is not set; pass --collection NAME"));
        }
    }

    private void refuseServing(String collection, boolean allow) {
        if (allow) {
            log.warn("--allow-serving: rebuilding the index of %s even if it serves or is the rollback target", collection);
            return;
        }
        try (RedisPointerStore pointers = RedisPointerStore.connect(cfg)) {
            Optional<String> current = pointers.current();
            List<String> history = pointers.history();
            if (current.isPresent() && current.get().equals(collection)) {
                throw new ConfigException("--nlist rebuilds the index, but " + collection + " is the serving "
                        + "collection (key1); bench a copy, or pass --allow-serving if you accept the outage");
            }
            if (!history.isEmpty() && history.get(0).equals(collection)) {
                throw new ConfigException("--nlist rebuilds the index, but " + collection + " is the rollback "
                        + "collection (history head); pass --allow-serving to do it anyway");
            }
        }
    }

    /**
     * milvus-lite's DescribeIndex reports neither the index type the SDK understands nor its build params; then
     * the configured index (index.type / index.params) is the best knowledge we have for restoring it after a
     * sweep, but the report says the params were not reported (nlist=?), never the configured ones as measured.
     */
    private IndexInfo withConfigFallback(BenchedIndex benched, IndexInfo idx) {
        if (!benched.typeReported() || !benched.paramsReported()) {
            log.info("the server did not report the index %s: the report says 'not reported' (nlist=?); "
                    + "configured: index.type %s %s", !benched.typeReported() ? "type" : "build parameters",
                    cfg.index().type(), cfg.index().params());
        }
        return benched.forRestore(idx);
    }

    static String sweepType(String type) {
        return type != null && type.toUpperCase().startsWith("IVF") ? type : "IVF_FLAT";
    }

    private String defaultParam(String indexType) {
        String p = ParamRules.paramFor(indexType);
        return p == null || p.isEmpty() ? null : p;
    }

    private List<Integer> defaultValues(String param) {
        if (param == null) {
            return List.of();
        }
        Integer v = parseInt(cfg.search().params().get(param));
        return List.of(v == null ? 16 : v);
    }

    private static Integer parseInt(String s) {
        try {
            return s == null ? null : Integer.valueOf(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static QuerySet normalized(QuerySet qs, boolean normalize) {
        if (!normalize) {
            return qs;
        }
        List<float[]> out = new ArrayList<>();
        for (float[] v : qs.vectors()) {
            float[] c = v.clone();
            try {
                org.recallctl.source.Vectors.normalize(c);
            } catch (org.recallctl.source.BadVectorException e) {
                throw new ConfigException("--query-file: a zero vector cannot be normalised for " + "this collection");
            }
            out.add(c);
        }
        return new QuerySet(qs.origin(), qs.seed(), qs.noise(), qs.dimension(), qs.sourceIds(), out);
    }

    private void save(QuerySet qs, Path file) {
        try {
            qs.save(file);
            log.info("query set (%d queries, fingerprint %s) saved to %s; rerun with --query-file %s", qs.size(),
                    qs.fingerprint(), file, file);
        } catch (IOException e) {
            throw new ConfigException("cannot write the query set to " + file + ": " + e.getMessage());
        }
    }

    /** Closes the write connection if the nlist sweep opened one. */
    public void close() {
        if (writer != null) {
            writer.close();
        }
    }
}
