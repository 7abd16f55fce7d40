package org.recallctl.pipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.recallctl.config.RecallConfig;
import org.recallctl.milvus.CollectionMark;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.output.Log;
import org.recallctl.pointer.RedisPointerStore;

/**
 * Reads what {@link RetentionPlan} needs (this pipeline's marked collections, pointers, aliases, load states,
 * retirement times) and carries the plan out: release, then drop. Runs after a switch (as a warning-only
 * epilogue) and as {@code recallctl prune}; both hold the run lock. Safety rule 6: a collection is this
 * pipeline's only when its mark says so (the name pattern is just a cheap filter before reading marks).
 */
public final class Retention {
    private final RecallConfig cfg;
    private final MilvusGateway milvus;
    private final Log log;

    public Retention(RecallConfig cfg, MilvusGateway milvus, Log log) {
        this.cfg = cfg;
        this.milvus = milvus;
        this.log = log;
    }

    /** {@code skipped}: left alone on purpose (alias, grace); {@code failed}: a release or drop that failed. */
    public record Outcome(List<String> kept, List<String> released, List<String> dropped, List<String> skipped,
                          List<String> failed) {
        public static final Outcome NONE = new Outcome(List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /** This pipeline's collections with their marks, newest name first: name pattern (cheap), then the mark (the truth). */
    public Map<String, CollectionMark> ours(List<String> existing) {
        Map<String, CollectionMark> out = new LinkedHashMap<>();
        for (String c : new CollectionNaming(cfg.collection()).generations(existing)) {
            milvus.mark(c).filter(m -> m.isOf(cfg.pipeline())).ifPresent(m -> out.put(c, m));
        }
        return out;
    }

    /**
     * The plan for the given pointers. {@code extra} are collections about to exist (a dry run's target).
     */
    public RetentionPlan plan(Optional<String> serving, Optional<String> building, List<String> history,
                              Map<String, Long> retiredAtMs, long nowMs, List<String> extra) {
        Map<String, CollectionMark> marks = ours(milvus.listCollections());
        List<String> ours = new ArrayList<>(marks.keySet());
        extra.stream().filter(e -> !ours.contains(e)).forEach(ours::add);
        Map<String, Long> created = new HashMap<>();
        marks.forEach((c, m) -> created.put(c, m.createdAt().toEpochMilli()));
        extra.forEach(e -> created.put(e, nowMs));
        Map<String, List<String>> aliases = new HashMap<>();
        Set<String> loaded = new HashSet<>();
        for (String c : ours) {
            if (extra.contains(c)) {
                continue;
            }
            List<String> a = milvus.aliases(c);
            if (!a.isEmpty()) {
                aliases.put(c, a);
            }
            if (milvus.loadState(c).loaded()) {
                loaded.add(c);
            }
        }
        return RetentionPlan.of(new RetentionPlan.Inputs(ours, serving, building, history, aliases, loaded,
                retiredAtMs, created, cfg.retention().keep(), cfg.retention().graceS() * 1000L, nowMs));
    }

    /** The plan for what the pointers say now. */
    public RetentionPlan planNow(RedisPointerStore pointers, long nowMs) {
        return plan(pointers.current(), pointers.building(), pointers.history(), pointers.retired(), nowMs, List.of());
    }

    /**
     * Carries the plan out. A failed release or drop is listed under failed (the caller turns it into a
     * warning); the next run or prune retries.
     */
    public Outcome apply(RetentionPlan plan, RedisPointerStore pointers) {
        List<String> released = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (String c : plan.release()) {
            try {
                milvus.release(c);
                released.add(c);
                log.info("retention: released %s (stopped serving more than retention.grace_s = %d s ago; "
                        + "rollback loads it again)", c, cfg.retention().graceS());
            } catch (RuntimeException e) {
                failed.add(c + " (release failed: " + e.getMessage() + ")");
            }
        }
        for (String c : plan.drop()) {
            try {
                milvus.release(c);
                milvus.dropCollection(c);
                dropped.add(c);
                log.info("retention: released and dropped %s (not serving, not key2, not in the last %d generations)",
                        c, cfg.retention().keep());
            } catch (RuntimeException e) {
                failed.add(c + " (drop failed: " + e.getMessage() + ")");
            }
        }
        if (!dropped.isEmpty()) {
            try {
                pointers.forgetRetired(dropped);
            } catch (RuntimeException e) {
                log.warn("retention: could not tidy %s: %s", pointers.keys().retired(), e.getMessage());
            }
        }
        return new Outcome(plan.kept(), List.copyOf(released), List.copyOf(dropped), plan.skipped(), List.copyOf(failed));
    }
}
