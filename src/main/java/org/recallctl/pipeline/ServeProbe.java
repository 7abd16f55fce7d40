package org.recallctl.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.recallctl.bench.QuerySampler;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.RecallctlException;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.milvus.ParamValues;
import org.recallctl.milvus.Partitions;
import org.recallctl.output.Log;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.search.FanOutSearcher;
import org.recallctl.search.ScoredHit;
import org.recallctl.search.SearchRequest;
import org.recallctl.search.SearchResult;
import org.recallctl.source.ItemSource;
import org.recallctl.source.VectorCodec;
import org.recallctl.source.Vectors;

/**
 * The serve probe (issue 12 §3): proves, after key1 moved, that the new collection really serves. It resolves
 * the pointer again as a search service does (key1; the Milvus alias when collection.alias is set), then sends
 * probe.queries fan-out queries on the <b>read</b> endpoint to the collection key1 names, and checks that every
 * partition answers, every query gets hits, p99 is within probe.max_p99_ms, and that the answers come from the
 * new collection: key1 names it, and when the alias points at it too, the same queries sent through the alias
 * return exactly the ids the collection itself returns (an alias answering from another collection,
 * milvus#51779, shows up here). An alias the switch could not move is the switch's warning, not a probe failure.
 * It only reads; what to do about a failure is {@link ServeGuard}'s business.
 */
public final class ServeProbe {
    /** How many of the probe queries are also sent through the alias and compared (costs one search each). */
    static final int ALIAS_COMPARISONS = 5;

    /**
     * @param movedAway key1 no longer names the target (another run or an operator moved it): not ours to judge
     * @param problems  empty = passed; otherwise one line each, the first is the headline
     */
    public record Verdict(String target, boolean passed, boolean movedAway, List<String> problems, String key1,
                          String aliasAt, int partitions, int queries, double p50Ms, double p99Ms, double maxMs) {
        public String headline() {
            return problems.isEmpty() ? "ok" : problems.get(0) + (problems.size() > 1
                    ? " (+" + (problems.size() - 1) + " more)" : "");
        }

        public Map<String, Object> details() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("target", target);
            m.put("passed", passed);
            m.put("key1", key1);
            if (aliasAt != null) {
                m.put("alias_at", aliasAt);
            }
            m.put("partitions", partitions);
            m.put("queries", queries);
            m.put("p50_ms", p50Ms);
            m.put("p99_ms", p99Ms);
            m.put("max_ms", maxMs);
            m.put("problems", problems);
            return m;
        }
    }

    private final RecallConfig cfg;
    private final RedisPointerStore pointers;
    private final MilvusGateway reader;
    private final List<float[]> vectors;

    /**
     * @param reader  the read endpoint, as the search service uses it
     * @param vectors the query vectors (at least one), reused by every round of a --watch
     */
    public ServeProbe(RecallConfig cfg, RedisPointerStore pointers, MilvusGateway reader, List<float[]> vectors) {
        if (vectors.isEmpty()) {
            throw new IllegalArgumentException("the serve probe needs at least one query vector");
        }
        this.cfg = cfg;
        this.pointers = pointers;
        this.reader = reader;
        this.vectors = List.copyOf(vectors);
    }

    public Verdict probe(String target) {
        List<String> problems = new ArrayList<>();
        String key1;
        try {
            key1 = pointers.current().orElse(null);
        } catch (RecallctlException e) {
            return failed(target, null, null, List.of("cannot read key1 " + pointers.keys().current() + ": "
                    + e.getMessage()));
        }
        if (!target.equals(key1)) {
            return new Verdict(target, false, true, List.of("key1 " + pointers.keys().current() + " names '"
                    + (key1 == null ? "(unset)" : key1) + "', not " + target + ": someone moved it after our switch"),
                    key1, null, 0, 0, 0, 0, 0);
        }
        String alias = cfg.collection().alias();
        String aliasAt = null;
        if (alias != null && !alias.isBlank()) {
            // The alias is the search service's fallback route (key1 is primary, PointerResolver). An alias the
            // switch could not move is already a warning of the switch (the truth after the CAS, issue 10 §3) and
            // no reason to revert; an alias that names the target but answers from elsewhere is (below).
            try {
                aliasAt = reader.aliasTarget(alias).orElse("(none)");
            } catch (RecallctlException e) {
                aliasAt = "(unreadable: " + e.getMessage() + ")";
            }
        }
        int partitions;
        try {
            partitions = reader.layout(target).partitions().size();
        } catch (RecallctlException e) {
            problems.add(target + " cannot be described on the read endpoint " + reader.uri() + ": " + e.getMessage());
            return failed(target, key1, aliasAt, problems);
        }
        Map<String, Object> params = new LinkedHashMap<>();
        cfg.search().params().forEach((k, v) -> params.put(k, ParamValues.typed(v)));
        FanOutSearcher searcher = new FanOutSearcher(reader, cfg.collection().vectorField(), partitions,
                cfg.collection().metric(), cfg.search().timeoutMs());
        int n = cfg.probe().queries();
        // the first query of a round pays for the read endpoint's first touch of the new collection (a search
        // service warms up the same way): with more than one query it answers for correctness, not for p99
        Histogram latency = Latency.newHistogram();
        long firstMicros = 0;
        List<List<Long>> answers = new ArrayList<>();
        int done = 0;
        int empty = 0;
        for (int q = 0; q < n; q++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new RecallctlException(130, "interrupted while probing " + target);
            }
            long t0 = System.nanoTime();
            SearchResult r;
            try {
                // allowPartial: we want to hear about every failed partition, not just the first one
                r = searcher.search(request(target, vectors.get(q % vectors.size()), params), FanOutSearcher.Mode.FANOUT);
            } catch (RecallctlException e) {
                if (e.exitCode() == 130) {
                    throw e;
                }
                problems.add("query " + (q + 1) + " on " + target + " failed: " + e.getMessage());
                break;
            }
            long micros = (System.nanoTime() - t0) / 1000;
            if (done++ == 0) {
                firstMicros = micros;
            } else {
                Latency.record(latency, micros);
            }
            if (!r.failedPartitions().isEmpty()) {
                var first = r.failedPartitions().entrySet().iterator().next();
                problems.add(r.failedPartitions().size() + " of " + partitions + " partitions of " + target
                        + " did not answer (" + String.join(", ", r.failedPartitions().keySet().stream()
                        .map(Partitions::name).toList()) + "); " + Partitions.name(first.getKey()) + ": " + first.getValue());
                break; // one failing round says it: no need to wait out every deadline again
            }
            List<ScoredHit> hits = r.hits().isEmpty() ? List.of() : r.hits().get(0);
            if (hits.isEmpty()) {
                empty++;
            }
            answers.add(hits.stream().map(ScoredHit::id).toList());
        }
        if (empty > 0) {
            problems.add(empty + " of " + done + " probe queries got no hits at all from " + target);
        }
        if (done == 1) {
            Latency.record(latency, firstMicros); // a single query is all there is to judge
        }
        Latency l = Latency.of(latency);
        if (done == n && l.p99Ms() > cfg.probe().maxP99Ms()) {
            problems.add(String.format(java.util.Locale.ROOT, "p99 of %d probe queries on %s is %.1f ms, above "
                    + "probe.max_p99_ms = %d", l.queries(), target, l.p99Ms(), cfg.probe().maxP99Ms()));
        }
        if (problems.isEmpty() && target.equals(aliasAt)) {
            compareThroughAlias(alias, target, params, partitions, answers, problems);
        }
        return new Verdict(target, problems.isEmpty(), false, List.copyOf(problems), key1, aliasAt, partitions, done,
                round(l.p50Ms()), round(l.p99Ms()), round(l.maxMs()));
    }

    /** The same queries through the alias must return the ids the collection itself returned. */
    private void compareThroughAlias(String alias, String target, Map<String, Object> params, int partitions,
                                     List<List<Long>> direct, List<String> problems) {
        FanOutSearcher viaAlias = new FanOutSearcher(reader, cfg.collection().vectorField(), partitions,
                cfg.collection().metric(), cfg.search().timeoutMs());
        int k = Math.min(ALIAS_COMPARISONS, direct.size());
        for (int q = 0; q < k; q++) {
            try {
                SearchResult r = viaAlias.search(request(alias, vectors.get(q % vectors.size()), params),
                        FanOutSearcher.Mode.FANOUT);
                List<Long> ids = r.hits().isEmpty() ? List.of() : r.hits().get(0).stream().map(ScoredHit::id).toList();
                if (!r.failedPartitions().isEmpty()) {
                    problems.add("searching through the alias " + alias + " failed on partitions "
                            + r.failedPartitions().keySet() + ": " + r.failedPartitions().values().iterator().next());
                    return;
                }
                if (!ids.equals(direct.get(q))) {
                    problems.add("answers through the alias " + alias + " differ from " + target + "'s own (query "
                            + (q + 1) + ": " + ids + " vs " + direct.get(q) + "): the alias serves another collection");
                    return;
                }
            } catch (RecallctlException e) {
                if (e.exitCode() == 130) {
                    throw e;
                }
                problems.add("searching through the alias " + alias + " failed: " + e.getMessage());
                return;
            }
        }
    }

    private SearchRequest request(String collection, float[] v, Map<String, Object> params) {
        return new SearchRequest(collection, List.of(v), cfg.search().topk(), params, null, List.of(), List.of(), true);
    }

    private static Verdict failed(String target, String key1, String aliasAt, List<String> problems) {
        return new Verdict(target, false, false, List.copyOf(problems), key1, aliasAt, 0, 0, 0, 0, 0);
    }

    private static double round(double d) {
        return Math.round(d * 10) / 10.0;
    }

    /**
     * Query vectors for the probe: sampled from the source (fixed seed, normalised as the build does), or random
     * unit vectors when the source cannot be sampled (the probe proves serving, not relevance).
     */
    public static List<float[]> queryVectors(RecallConfig cfg, Optional<ItemSource> source, Log log) {
        int n = Math.max(1, Math.min(cfg.probe().queries(), 200));
        if (source.isPresent()) {
            try {
                var set = new QuerySampler(source.get(), new VectorCodec(cfg.source().encoding(), cfg.source().dimension()),
                        cfg.source().normalize()).sample(n, 4242, 0, cfg.source().dimension());
                if (set.size() > 0) {
                    return set.vectors();
                }
            } catch (RecallctlException e) {
                log.warn("serve probe: cannot sample query vectors from the source (%s); probing with random vectors",
                        e.getMessage());
            }
        }
        Random r = new Random(4242);
        List<float[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(Vectors.randomUnit(r, cfg.source().dimension()));
        }
        return out;
    }
}
