package org.recallctl.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.CheckRefusedException;
import org.recallctl.milvus.IndexInfo;
import org.recallctl.milvus.LoadInfo;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.milvus.Partitions;
import org.recallctl.output.Log;
import org.recallctl.source.ItemSource;

/**
 * The two checks of the pipeline. {@link #before}: the source count S (honouring source.where) against the
 * serving count C and the thresholds, so nothing is built from a source that lost 40% of its rows.
 * {@link #after}: the built collection against the source, in total and per partition, against C within the
 * same thresholds, with a finished index and loaded (safety rule 1: key1 moves only to a collection that
 * passed this). Both only read.
 */
public final class CheckStep {
    private final RecallConfig cfg;
    private final ItemSource source;
    private final MilvusGateway milvus;
    private final Log log;

    public CheckStep(RecallConfig cfg, ItemSource source, MilvusGateway milvus, Log log) {
        this.cfg = cfg;
        this.source = source;
        this.milvus = milvus;
        this.log = log;
    }

    /** What the pre-build check saw and decided. */
    public record Before(long sourceRows, String serving, Long servingRows, CountCheck.Verdict verdict,
                         List<String> notes) {
        public boolean ok() {
            return verdict.ok();
        }
    }

    /** What the post-build check saw and decided. */
    /**
     * What the post-build check saw and decided; {@code drift} is how far the live table moved from what the
     * build read (null for a standalone check, which has no read counts).
     */
    public record After(String collection, long builtRows, Long servingRows, Reconciliation.Result reconciliation,
                        CountCheck.Verdict verdict, IndexInfo index, LoadInfo load, List<String> problems,
                        SourceDrift drift) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /** Evaluates without throwing (for --dry-run and the plain check command's table). */
    public Before evaluateBefore(Optional<String> serving) {
        long s = source.count();
        List<String> notes = new ArrayList<>();
        OptionalLong c = servingCount(serving, notes);
        CountCheck.Verdict v = CountCheck.evaluate(cfg.thresholds(), "source " + cfg.source().table(), s, c);
        return new Before(s, serving.orElse(null), c.isPresent() ? c.getAsLong() : null, v, List.copyOf(notes));
    }

    /** The pre-build check: refuses with exit 3 naming the numbers and the threshold key. */
    public Before before(Optional<String> serving) {
        Before b = evaluateBefore(serving);
        if (!b.ok()) {
            throw new CheckRefusedException("check refused, nothing built: " + b.verdict().summary());
        }
        return b;
    }

    private OptionalLong servingCount(Optional<String> serving, List<String> notes) {
        if (serving.isEmpty()) {
            notes.add("nothing serves yet (first run): only thresholds.min_rows applies");
            return OptionalLong.empty();
        }
        if (!milvus.hasCollection(serving.get())) {
            String n = "key1 names '" + serving.get() + "', which does not exist in Milvus: no serving count to "
                    + "compare with, only thresholds.min_rows applies";
            log.warn("%s", n);
            notes.add(n);
            return OptionalLong.empty();
        }
        return OptionalLong.of(milvus.rowCount(serving.get()));
    }

    /**
     * Evaluates a built collection without throwing, standalone: the source as it is now stands in for what was
     * read, and rejects per partition are unknown.
     *
     * @param sourceRows          S counted now
     * @param rejected            rows the build rejected (the operator says how many)
     * @param rejectedByPartition per partition, or null when only the total is known
     * @param serving             the collection serving when the run started (for the N vs C thresholds)
     */
    public After evaluateAfter(String collection, long sourceRows, long rejected, Map<Integer, Long> rejectedByPartition,
                               Optional<String> serving) {
        return evaluate(collection, sourceRows, rejected, rejectedByPartition, null, serving);
    }

    /**
     * Evaluates the collection a build just wrote, exactly against what that build read (in total and per
     * partition), and separately how far the live table has moved since ({@link SourceDrift}, within
     * thresholds.max_source_drift): inserts into a live catalogue during the build are not a failure.
     */
    public After evaluateAfter(BuildResult built, Optional<String> serving) {
        return evaluate(built.collection(), built.sourceRows(), built.rejected(), built.rejectedByPartition(),
                built.readByPartition(), serving, built.resumed());
    }

    private After evaluate(String collection, long sourceRows, long rejected, Map<Integer, Long> rejectedByPartition,
                           Map<Integer, Long> readByPartition, Optional<String> serving) {
        return evaluate(collection, sourceRows, rejected, rejectedByPartition, readByPartition, serving, false);
    }

    private After evaluate(String collection, long sourceRows, long rejected, Map<Integer, Long> rejectedByPartition,
                           Map<Integer, Long> readByPartition, Optional<String> serving, boolean resumed) {
        List<String> problems = new ArrayList<>();
        if (!milvus.hasCollection(collection)) {
            problems.add("collection '" + collection + "' does not exist in Milvus");
            return new After(collection, 0, null, null, null, IndexInfo.NONE, new LoadInfo("NotExist", 0), problems, null);
        }
        // the collection's own partition count (build --partitions may differ from collection.partitions)
        int p = milvus.layout(collection).partitions().size();
        long n = milvus.rowCount(collection);
        Map<Integer, Long> built = new LinkedHashMap<>();
        for (int i = 0; i < p; i++) {
            built.put(i, milvus.partitionRowCount(collection, Partitions.name(i)));
        }
        if (resumed && milvus.loadState(collection).loaded()) {
            // a resumed build deleted its unconfirmed tail and wrote it again: Milvus's statistics still count the
            // deleted rows until compaction, count(*) over the loaded data (strong consistency) does not. The
            // smaller of the two per partition (milvus-lite's count(*) ignores the partition list; its statistics
            // are exact), the count(*) total.
            n = milvus.countLoaded(collection, Partitions.names(p));
            for (int i = 0; i < p; i++) {
                built.put(i, Math.min(built.get(i), milvus.countLoaded(collection, List.of(Partitions.name(i)))));
            }
        }
        Map<Integer, Long> live = source.countByPartition(p);
        SourceDrift drift = null;
        if (readByPartition != null) {
            drift = SourceDrift.measure(sourceRows, readByPartition, source.count(), live, cfg.thresholds().maxSourceDrift());
            if (!drift.ok()) {
                problems.add(drift.problem());
            } else if (drift.rows() > 0) {
                log.info("%s", drift.describe());
            }
        }
        Reconciliation.Result rec = Reconciliation.reconcile(collection, p, sourceRows, rejected, n,
                readByPartition != null ? readByPartition : live, rejectedByPartition, built);
        problems.addAll(rec.mismatches());
        List<String> notes = new ArrayList<>();
        OptionalLong c = serving.filter(s -> !s.equals(collection)).isPresent() ? servingCount(serving, notes)
                : OptionalLong.empty();
        CountCheck.Verdict v = CountCheck.evaluate(cfg.thresholds(), "built collection " + collection, n, c);
        v.breaches().forEach(b -> problems.add(b.message()));
        Servable.Readiness ready = Servable.of(milvus, cfg, collection);
        problems.addAll(ready.problems());
        return new After(collection, n, c.isPresent() ? c.getAsLong() : null, rec, v, ready.index(), ready.load(),
                List.copyOf(problems), drift);
    }

    /** The standalone post-build check: refuses with exit 3 naming every mismatch. */
    public After after(String collection, long sourceRows, long rejected, Map<Integer, Long> rejectedByPartition,
                       Optional<String> serving) {
        return refuseUnless(evaluateAfter(collection, sourceRows, rejected, rejectedByPartition, serving));
    }

    /** The post-build check of a build just done (see {@link #evaluateAfter(BuildResult, Optional)}); exit 3 naming every problem. */
    public After after(BuildResult built, Optional<String> serving) {
        return refuseUnless(evaluateAfter(built, serving));
    }

    private static After refuseUnless(After a) {
        String collection = a.collection();
        if (!a.ok()) {
            throw new CheckRefusedException("post-build check of " + collection + " refused: "
                    + String.join("; ", a.problems()));
        }
        return a;
    }
}
