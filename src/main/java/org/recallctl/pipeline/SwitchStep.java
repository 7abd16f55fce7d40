package org.recallctl.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.CheckRefusedException;
import org.recallctl.error.PointerMovedException;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.output.Log;
import org.recallctl.pointer.RedisPointerStore;

/**
 * Moves key1 to a verified collection by compare-and-set (DESIGN §4), mirrors the Milvus alias (also
 * compare-and-set), then applies retention. The caller holds the run lock and has run the post-build check
 * (safety rule 1); this step re-verifies what it can see cheaply: the target exists, its index is finished,
 * it is loaded.
 */
public final class SwitchStep {
    private final RecallConfig cfg;
    private final MilvusGateway milvus;
    private final RedisPointerStore pointers;
    private final Log log;

    public SwitchStep(RecallConfig cfg, MilvusGateway milvus, RedisPointerStore pointers, Log log) {
        this.cfg = cfg;
        this.milvus = milvus;
        this.pointers = pointers;
        this.log = log;
    }

    public record Result(String target, String previous, boolean alreadyServing, String alias, String aliasAction,
                         Retention.Outcome retention) {
    }

    /** Throws CheckRefusedException unless {@code target} exists, has a finished index and is loaded. */
    public static void verifyServable(MilvusGateway milvus, RecallConfig cfg, String target, String why) {
        if (!milvus.hasCollection(target)) {
            throw new CheckRefusedException(why + ": collection '" + target + "' does not exist in Milvus at "
                    + milvus.uri() + "; see 'recallctl status'");
        }
        List<String> problems = Servable.of(milvus, cfg, target).problems();
        if (!problems.isEmpty()) {
            throw new CheckRefusedException(why + ": " + problems.get(0));
        }
    }

    /**
     * @param expected what key1 named when the run started (empty = unset): the compare-and-set condition
     */
    public Result run(String target, Optional<String> expected) {
        Optional<String> now = pointers.current();
        if (now.filter(target::equals).isPresent()) {
            log.info("%s already serving; nothing to switch", target);
            return new Result(target, target, true, aliasName(), "unchanged", Retention.Outcome.NONE);
        }
        verifyServable(milvus, cfg, target, "refusing to switch");
        String alias = aliasName();
        if (alias != null) {
            checkAlias(alias, expected, target, "nothing was switched");
        }
        pointers.switchTo(expected, target, Math.max(1, cfg.retention().keep() - 1));
        log.info("switched %s: %s -> %s", pointers.keys().current(), expected.orElse("(unset)"), target);
        String aliasAction = "none";
        if (alias != null) {
            // re-checked after the Redis switch: another actor may have moved it in between
            checkAlias(alias, expected, target, "key1 WAS switched to " + target + " but the alias was not moved");
            milvus.pointAlias(alias, target);
            aliasAction = "moved " + alias + " to " + target;
            log.info("alias %s -> %s", alias, target);
        }
        List<String> history = pointers.history();
        Retention.Outcome retention = new Retention(cfg, milvus, log).apply(target,
                history.isEmpty() ? Optional.empty() : Optional.of(history.get(0)), pointers.building());
        return new Result(target, expected.orElse(null), false, alias, aliasAction, retention);
    }

    private String aliasName() {
        String a = cfg.collection().alias();
        return a == null || a.isBlank() ? null : a;
    }

    /** The alias may point at nothing yet, at the collection we switch from, or already at the target. */
    static void checkAlias(MilvusGateway milvus, String alias, Optional<String> expected, String target, String consequence) {
        Optional<String> at = milvus.aliasTarget(alias);
        if (at.isEmpty() || at.get().equals(target) || at.equals(expected)) {
            return;
        }
        throw new PointerMovedException("Milvus alias " + alias + " points at '" + at.get() + "', expected '"
                + expected.orElse("(none)") + "': someone else moved it; " + consequence);
    }

    private void checkAlias(String alias, Optional<String> expected, String target, String consequence) {
        checkAlias(milvus, alias, expected, target, consequence);
    }

    /** Release-then-drop of generations beyond retention.keep; never the serving or rollback collection. */
    public static final class Retention {
        private final RecallConfig cfg;
        private final MilvusGateway milvus;
        private final Log log;

        public Retention(RecallConfig cfg, MilvusGateway milvus, Log log) {
            this.cfg = cfg;
            this.milvus = milvus;
            this.log = log;
        }

        public record Outcome(List<String> kept, List<String> dropped, List<String> skipped) {
            static final Outcome NONE = new Outcome(List.of(), List.of(), List.of());
        }

        /** What would be dropped, without doing it (for --dry-run). */
        public RetentionPlan plan(List<String> existing, String serving, Optional<String> rollback) {
            CollectionNaming naming = new CollectionNaming(cfg.collection());
            return RetentionPlan.of(naming.generations(existing), serving, rollback, cfg.retention().keep());
        }

        /**
         * Applies the plan. A failure to drop an old generation is a warning, not a failed switch: the switch
         * already happened and serving is fine; the next run retries.
         */
        public Outcome apply(String serving, Optional<String> rollback, Optional<String> building) {
            RetentionPlan plan = plan(milvus.listCollections(), serving, rollback);
            List<String> dropped = new ArrayList<>();
            List<String> skipped = new ArrayList<>();
            for (String old : plan.drop()) {
                if (building.filter(old::equals).isPresent()) {
                    skipped.add(old + " (key2 names it)");
                    continue;
                }
                try {
                    if (!milvus.aliases(old).isEmpty()) {
                        skipped.add(old + " (has alias " + milvus.aliases(old) + ")");
                        continue;
                    }
                    milvus.release(old);
                    milvus.dropCollection(old);
                    dropped.add(old);
                    log.info("retention: released and dropped %s (beyond the last %d)", old, cfg.retention().keep());
                } catch (RuntimeException e) {
                    skipped.add(old + " (" + e.getMessage() + ")");
                    log.warn("retention: could not drop %s: %s; the next run retries", old, e.getMessage());
                }
            }
            return new Outcome(plan.kept(), List.copyOf(dropped), List.copyOf(skipped));
        }
    }
}
