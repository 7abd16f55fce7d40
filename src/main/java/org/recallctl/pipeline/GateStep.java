package org.recallctl.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.recallctl.bench.ExactTopK;
import org.recallctl.bench.GroundTruth;
import org.recallctl.bench.GroundTruthCache;
import org.recallctl.bench.QuerySampler;
import org.recallctl.bench.QuerySet;
import org.recallctl.bench.Recall;
import org.recallctl.config.Metric;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.CheckRefusedException;
import org.recallctl.error.ConfigException;
import org.recallctl.milvus.CollectionLayout;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.milvus.ParamValues;
import org.recallctl.output.Log;
import org.recallctl.search.FanOutSearcher;
import org.recallctl.search.ScoredHit;
import org.recallctl.search.SearchRequest;
import org.recallctl.search.SearchRunner;
import org.recallctl.source.MysqlItemSource;
import org.recallctl.source.VectorCodec;

/**
 * The gate before a switch (issue 12 §1-2, safety rule 5): counts say nothing about whether a generation
 * <em>answers</em> well. Query vectors sampled from the source with a fixed seed get their exact TopK by brute
 * force (bench's {@link GroundTruth}, with its cache); the new collection is searched with the serving
 * {@code search.params} through the same partition fan-out as {@code search}; mean recall@K below
 * {@code gate.min_recall} refuses. The same queries on the serving collection give the TopK overlap (reported;
 * refused below {@code gate.min_overlap} when set). Then the {@link SpotCheck} compares rows read back with the
 * source. Only reads; a refusal is exit 3 and the chain never reaches the switch.
 */
public final class GateStep {
    /** Queries per search request; each request may take BATCH x search.timeout_ms per partition. */
    static final int BATCH = 16;

    /**
     * @param worst1pctRecall mean recall of the worst 1% of queries (at least one): what a mean hides
     * @param groundTruthSeconds brute-force time (0 on a cache hit)
     */
    public record RecallMeasure(int queries, int k, Map<String, Object> params, double meanRecall,
                                double worst1pctRecall, double minRecall, boolean groundTruthCached,
                                double groundTruthSeconds, double searchSeconds) {
    }

    /** The TopK overlap with the serving collection; {@code mean} null when not measured ({@code note} says why). */
    public record Overlap(String serving, Double mean, Double minOverlap, String note) {
    }

    public record Result(String collection, RecallMeasure recall, Overlap overlap, SpotCheck.Result spotCheck,
                         List<String> problems, double seconds) {
        public boolean ok() {
            return problems.isEmpty();
        }

        public String summary() {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "recall@%d %.3f (worst 1%% %.3f, min %s) "
                    + "over %d queries", recall.k(), recall.meanRecall(), recall.worst1pctRecall(),
                    fmt(recall.minRecall()), recall.queries()));
            if (overlap.mean() != null) {
                b.append(String.format(Locale.ROOT, "; overlap with %s %.3f", overlap.serving(), overlap.mean()));
            }
            if (spotCheck != null) {
                b.append("; spot-check ").append(spotCheck.compared()).append(" rows, ")
                        .append(spotCheck.mismatches().size()).append(" mismatches");
            }
            return b.toString();
        }
    }

    private final RecallConfig cfg;
    private final MysqlItemSource source;
    private final MilvusGateway reader;
    private final Supplier<MilvusGateway> rows;
    private final Log log;

    /**
     * @param reader the read endpoint, as the search service sees the collections (its queries)
     * @param rows   where the spot-check reads stored rows by id: the write endpoint, with milvus.token, since
     *               reading rows back is the builder's check (Query), not a search (a read_token's role may lack
     *               it); connected only when the spot-check runs
     */
    public GateStep(RecallConfig cfg, MysqlItemSource source, MilvusGateway reader, Supplier<MilvusGateway> rows,
                    Log log) {
        this.cfg = cfg;
        this.source = source;
        this.reader = reader;
        this.rows = rows;
        this.log = log;
    }

    /** Measures without throwing; {@code serving}: the collection serving now (for the overlap), if any. */
    public Result evaluate(String collection, Optional<String> serving) {
        long t0 = System.nanoTime();
        RecallConfig.Gate g = cfg.gate();
        Metric metric = cfg.collection().metric();
        int k = cfg.search().topk();
        boolean normalize = GroundTruth.normalizes(cfg, metric);
        QuerySet qs = new QuerySampler(source, new VectorCodec(cfg.source().encoding(), cfg.source().dimension()),
                normalize).sample(g.queries(), g.seed(), 0, cfg.source().dimension());
        if (qs.size() == 0) {
            throw new ConfigException("recall gate: no usable query vectors in " + cfg.source().table()
                    + " (every sampled row has a bad vector?)");
        }
        GroundTruth.Outcome truth = GroundTruth.obtain(cfg, source, metric, k, qs, new GroundTruthCache(
                Path.of(g.cacheDir())), Runtime.getRuntime().availableProcessors(), log);
        Map<String, Object> params = new LinkedHashMap<>();
        cfg.search().params().forEach((key, v) -> params.put(key, ParamValues.typed(v)));

        long s0 = System.nanoTime();
        List<List<ScoredHit>> found = search(collection, qs, k, params);
        double searchSeconds = (System.nanoTime() - s0) / 1e9;
        ExactTopK.Result exact = truth.result();
        double[] recalls = new double[qs.size()];
        for (int q = 0; q < recalls.length; q++) {
            List<ScoredHit> hits = found.get(q);
            long[] ids = new long[hits.size()];
            float[] scores = new float[hits.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = hits.get(i).id();
                scores[i] = hits.get(i).score();
            }
            recalls[q] = Recall.of(ids, scores, exact.ids()[q], exact.scores()[q], k, metric);
        }
        RecallMeasure recall = new RecallMeasure(qs.size(), k, params, mean(recalls), worstMean(recalls, 0.01),
                g.minRecall(), truth.cached(), truth.cached() ? 0 : exact.seconds(), searchSeconds);

        Overlap overlap = overlap(collection, serving, qs, k, params, found);
        SpotCheck.Result spot = g.spotCheck() == 0 ? null : new SpotCheck(cfg, source, rows.get())
                .run(collection, g.spotCheck(), SpotCheck.seedFor(cfg, collection));

        List<String> problems = new ArrayList<>();
        if (recall.meanRecall() < g.minRecall()) {
            problems.add(String.format(Locale.ROOT, "mean recall@%d of %s is %.3f, below gate.min_recall %s (worst 1%% "
                    + "%.3f; %d queries, search.params %s)", k, collection, recall.meanRecall(), fmt(g.minRecall()),
                    recall.worst1pctRecall(), recall.queries(), params));
        }
        if (overlap.mean() != null && overlap.minOverlap() != null && overlap.mean() < overlap.minOverlap()) {
            problems.add(String.format(Locale.ROOT, "mean TopK overlap between %s and the serving %s is %.3f, below "
                    + "gate.min_overlap %s", collection, overlap.serving(), overlap.mean(), fmt(overlap.minOverlap())));
        }
        if (spot != null && !spot.ok()) {
            problems.add(spot.problem());
        }
        return new Result(collection, recall, overlap, spot, List.copyOf(problems), (System.nanoTime() - t0) / 1e9);
    }

    /** Why a run switches without the gate ({@code --skip-gate}, gate.enabled=false), or null when it gates. */
    public static String skippedBy(boolean skipFlag, RecallConfig cfg) {
        return skipFlag ? "--skip-gate" : !cfg.gate().enabled() ? "gate.enabled=false" : null;
    }

    /**
     * The gate step of a run about to move key1 to {@code target} (rebuild, switch --to): skipped loudly when
     * {@code skipped} says why, else measured, recorded and refused (exit 3) below its thresholds.
     */
    public static void perform(OperationRunner.Run run, RunReport.Step step, MysqlItemSource source, String target,
                               Optional<String> serving, String skipped) {
        if (skipped != null) {
            skip(run, step, skipped);
            return;
        }
        Result g = new GateStep(run.cfg(), source, run.reader(), run::milvus, run.log()).evaluate(target, serving);
        record(run.report(), step, g);
        run.report().decide("recall gate: " + (g.ok() ? "passed: " + g.summary() : "REFUSED: "
                + String.join("; ", g.problems())));
        refuseUnless(g);
    }

    /** The gate of a run: refuses with exit 3 naming every problem; nothing has been switched. */
    public static void refuseUnless(Result r) {
        if (!r.ok()) {
            throw new CheckRefusedException("recall gate refused " + r.collection() + ", nothing switched: "
                    + String.join("; ", r.problems()));
        }
    }

    /** The gate's numbers into its step and the run's counts (report, metrics, alert), before any refusal. */
    public static void record(RunReport report, RunReport.Step step, Result r) {
        step.put("collection", r.collection()).put("recall", r.recall()).put("overlap", r.overlap())
                .put("spot_check", r.spotCheck()).put("problems", r.problems()).put("seconds", r.seconds())
                .put("verdict", r.ok() ? "ok: " + r.summary() : "REFUSED: " + String.join("; ", r.problems()));
        report.count("gate_recall", r.recall().meanRecall());
        report.count("gate_worst1pct_recall", r.recall().worst1pctRecall());
        report.count("gate_min_recall", r.recall().minRecall());
        if (r.overlap().mean() != null) {
            report.count("gate_overlap", r.overlap().mean());
        }
        if (r.spotCheck() != null) {
            report.count("gate_spot_checked", r.spotCheck().compared());
            report.count("gate_spot_mismatches", r.spotCheck().mismatches().size());
        }
        report.count("gate_skipped", false);
    }

    /**
     * A run that goes on without the gate: the step says "skipped", the counts carry gate_skipped (metrics), and
     * the warning reaches stderr, the report and the alert, so nobody mistakes the switch for a gated one.
     */
    public static void skip(OperationRunner.Run run, RunReport.Step step, String why) {
        step.put("skipped", why);
        run.report().skip(step);
        run.report().count("gate_skipped", true);
        run.warn("recall gate and spot-check SKIPPED (" + why + "): the new collection switches without a recall "
                + "or content check");
    }

    private List<List<ScoredHit>> search(String collection, QuerySet qs, int k, Map<String, Object> params) {
        CollectionLayout layout = reader.layout(collection);
        // search.timeout_ms is the deadline of one user query; a request carries BATCH of them
        FanOutSearcher searcher = new FanOutSearcher(reader, layout.vectorField(), SearchRunner.partitionCount(layout),
                cfg.collection().metric(), (long) cfg.search().timeoutMs() * BATCH);
        List<float[]> all = qs.vectors();
        List<List<ScoredHit>> out = new ArrayList<>(all.size());
        for (int from = 0; from < all.size(); from += BATCH) {
            List<float[]> batch = all.subList(from, Math.min(all.size(), from + BATCH));
            out.addAll(searcher.search(new SearchRequest(collection, batch, k, params, null, List.of(), List.of(),
                    false), FanOutSearcher.Mode.FANOUT).hits());
        }
        return out;
    }

    private Overlap overlap(String collection, Optional<String> serving, QuerySet qs, int k,
                            Map<String, Object> params, List<List<ScoredHit>> found) {
        Double min = cfg.gate().minOverlap().isPresent() ? cfg.gate().minOverlap().getAsDouble() : null;
        if (serving.isEmpty()) {
            return new Overlap(null, null, min, "nothing serves yet");
        }
        String s = serving.get();
        if (s.equals(collection)) {
            return new Overlap(s, null, min, collection + " is the serving collection");
        }
        if (!reader.hasCollection(s)) {
            return new Overlap(s, null, min, "the serving collection " + s + " does not exist");
        }
        List<List<ScoredHit>> old;
        try {
            old = search(s, qs, k, params);
        } catch (RuntimeException e) {
            // the serving collection's trouble is not the new generation's: said, not refused
            log.warn("recall gate: could not search the serving collection %s for the overlap: %s", s, e.getMessage());
            return new Overlap(s, null, min, "searching " + s + " failed: " + e.getMessage());
        }
        double sum = 0;
        for (int q = 0; q < found.size(); q++) {
            Set<Long> a = new HashSet<>();
            found.get(q).forEach(h -> a.add(h.id()));
            long both = old.get(q).stream().filter(h -> a.contains(h.id())).count();
            sum += (double) both / k;
        }
        return new Overlap(s, sum / Math.max(1, found.size()), min, null);
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? 0 : s / v.length;
    }

    /** Mean of the lowest {@code fraction} of values, at least one (as bench's worst 1%). */
    static double worstMean(double[] v, double fraction) {
        if (v.length == 0) {
            return 0;
        }
        double[] sorted = v.clone();
        java.util.Arrays.sort(sorted);
        int n = Math.max(1, (int) Math.ceil(v.length * fraction));
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += sorted[i];
        }
        return s / n;
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.3f", d).replaceAll("0+$", "").replaceAll("\\.$", ".0");
    }
}
