package org.recallctl.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which of the pipeline's collections a switch keeps and which it drops (retention.keep = K). Always kept: the
 * serving collection and the rollback one (history head), whatever their age (safety rule 2). The other
 * generations are kept newest first until K are kept; the rest are released, then dropped.
 *
 * <p>The grace period ({@code retention.grace_s}) is implemented as: the run that switches never releases the
 * previous (rollback) collection, so rollback stays instant; it is only released/dropped by a later run, once it
 * has fallen out of the last K generations.
 */
public record RetentionPlan(List<String> kept, List<String> drop) {

    /**
     * @param generationsNewestFirst the pipeline's collections in Milvus, newest first ({@link CollectionNaming#generations})
     * @param serving                what key1 names after the switch
     * @param rollback               the history head after the switch, if any
     * @param keep                   retention.keep
     */
    public static RetentionPlan of(List<String> generationsNewestFirst, String serving, Optional<String> rollback,
                                   int keep) {
        Set<String> kept = new LinkedHashSet<>();
        kept.add(serving);
        rollback.ifPresent(kept::add);
        for (String g : generationsNewestFirst) {
            if (kept.size() >= Math.max(1, keep)) {
                break;
            }
            kept.add(g);
        }
        List<String> drop = new ArrayList<>();
        for (String g : generationsNewestFirst) {
            if (!kept.contains(g)) {
                drop.add(g);
            }
        }
        return new RetentionPlan(List.copyOf(kept), List.copyOf(drop));
    }
}
