package org.recallctl.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What retention does with this pipeline's collections (retention.keep = K, retention.grace_s = G). A pure
 * decision over what was read: the caller passes only collections carrying this pipeline's mark.
 *
 * <ul>
 * <li>A <b>generation</b> is a collection that served: key1 and the history list (the switch script keeps K-1
 *     entries). A failed run's collection never served, so it never takes a generation's place.</li>
 * <li><b>Kept</b>: key1, key2 (a build in progress or built and awaiting its switch), and the first max(1, K-1)
 *     history entries (the rollback collection always). Nothing named there is ever dropped.</li>
 * <li><b>Released</b>: a kept history entry still loaded more than G seconds after it stopped serving (the
 *     switch script records when). Until then it stays loaded, so a rollback within the grace is instant;
 *     after it, rollback loads it first.</li>
 * <li><b>Dropped</b>: every other marked collection (older generations that fell off history, leftovers of failed
 *     runs) once G seconds have passed since it stopped serving (or, never having served, since it was created),
 *     unless a Milvus alias points at it (skipped, and said so). The grace also spares a collection built a
 *     moment ago by hand that has not been switched to yet.</li>
 * </ul>
 */
public record RetentionPlan(List<String> kept, List<String> release, List<String> drop, List<String> skipped) {

    /** What was read from Redis and Milvus. */
    public record Inputs(List<String> ours, Optional<String> serving, Optional<String> building, List<String> history,
                         Map<String, List<String>> aliases, Set<String> loaded, Map<String, Long> retiredAtMs,
                         Map<String, Long> createdAtMs, int keep, long graceMs, long nowMs) {
    }

    public static RetentionPlan of(Inputs in) {
        Set<String> kept = new LinkedHashSet<>();
        in.serving().ifPresent(kept::add);
        in.building().ifPresent(kept::add);
        int historyKept = Math.max(1, in.keep() - 1);
        List<String> keptHistory = in.history().subList(0, Math.min(historyKept, in.history().size()));
        kept.addAll(keptHistory);
        List<String> release = new ArrayList<>();
        for (String h : keptHistory) {
            if (in.serving().filter(h::equals).isPresent() || in.building().filter(h::equals).isPresent()
                    || !in.ours().contains(h) || !in.loaded().contains(h)) {
                continue;
            }
            Long retired = in.retiredAtMs().get(h);
            // unknown retirement time (switched by an older recallctl): wait a grace from now rather than guess
            if (retired != null && in.nowMs() - retired >= in.graceMs()) {
                release.add(h);
            }
        }
        List<String> drop = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String c : in.ours()) {
            if (kept.contains(c)) {
                continue;
            }
            long since = in.retiredAtMs().getOrDefault(c, in.createdAtMs().getOrDefault(c, 0L));
            if (in.nowMs() - since < in.graceMs()) {
                skipped.add(c + " (within retention.grace_s of " + (in.retiredAtMs().containsKey(c) ? "retiring"
                        : "its creation") + ")");
                continue;
            }
            List<String> aliases = in.aliases().getOrDefault(c, List.of());
            if (!aliases.isEmpty()) {
                skipped.add(c + " (alias " + String.join(", ", aliases) + " points at it)");
                continue;
            }
            drop.add(c);
        }
        List<String> keptOurs = kept.stream().filter(in.ours()::contains).toList();
        return new RetentionPlan(keptOurs, List.copyOf(release), List.copyOf(drop), List.copyOf(skipped));
    }

    public boolean nothingToDo() {
        return release.isEmpty() && drop.isEmpty();
    }
}
