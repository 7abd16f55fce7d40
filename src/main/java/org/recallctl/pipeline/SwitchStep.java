package org.recallctl.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.CheckRefusedException;
import org.recallctl.error.PointerMovedException;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.output.Log;
import org.recallctl.pointer.PointerEvent;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.pointer.RunLock;

/**
 * Moves key1 to a verified collection by a compare-and-set fenced by the run lock (DESIGN §4), then mirrors
 * the Milvus alias and applies retention. The caller holds the lock and has run the post-build check (safety
 * rule 1); this step re-verifies what it can see cheaply: the target exists, its index is finished, it is loaded.
 *
 * <p><b>The truth after the compare-and-set.</b> Everything that can refuse happens before it: servability,
 * the alias pre-check (an alias on a foreign collection refuses, exit 6, nothing switched), the lock (exit 5).
 * Once key1 has moved the outcome is "switched": a failure to move or read back the alias, to read history,
 * or of retention becomes a warning (exit 0, listed in the report, alerted), never an error that would claim
 * nothing was switched. An alias left behind on this pipeline's previous collection is repaired by the next
 * switch, and by {@code switch --to <serving>}.
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
                         Retention.Outcome retention, List<String> warnings) {
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
     * @param lock     the run's lock: the compare-and-set checks its token atomically
     * @param expected what key1 named when the run started (empty = unset): the compare-and-set condition
     * @param warn     where warnings after the compare-and-set go (the runner lists and alerts them)
     */
    public Result run(RunLock lock, String target, Optional<String> expected, Consumer<String> warn) {
        List<String> warnings = new ArrayList<>();
        Consumer<String> w = m -> {
            warnings.add(m);
            warn.accept(m);
        };
        String alias = aliasName();
        Optional<String> now = pointers.current();
        if (now.filter(target::equals).isPresent()) {
            String action = "unchanged";
            if (alias != null) {
                AliasState a = aliasState(alias, now, target);
                a.refuseIfForeign("nothing was changed");
                if (!a.atTarget()) {
                    action = moveAlias(alias, target, a, w); // repair: idempotent switch --to <serving>
                }
            }
            log.info("%s already serving; nothing to switch", target);
            return new Result(target, target, true, alias, action, Retention.Outcome.NONE, List.copyOf(warnings));
        }
        verifyServable(milvus, cfg, target, "refusing to switch");
        AliasState before = alias == null ? null : aliasState(alias, expected, target);
        if (before != null) {
            before.refuseIfForeign("nothing was switched");
        }
        pointers.switchTo(lock, expected, target, Math.max(1, cfg.retention().keep() - 1));
        log.info("switched %s: %s -> %s", pointers.keys().current(), expected.orElse("(unset)"), target);
        // from here on the run has switched: nothing below may fail it
        String aliasAction = "none";
        if (alias != null) {
            try {
                AliasState after = aliasState(alias, expected, target); // someone may have moved it meanwhile
                if (after.foreign()) {
                    w.accept("key1 was switched to " + target + ", but the alias " + alias + " was not moved: it now "
                            + "points at '" + after.at().orElse("") + "', which is not this pipeline's collection");
                    aliasAction = "not moved (foreign)";
                } else if (after.atTarget()) {
                    aliasAction = "already at " + target;
                } else {
                    aliasAction = moveAlias(alias, target, after, w);
                }
            } catch (RuntimeException e) {
                w.accept("key1 was switched to " + target + ", but the alias " + alias + " could not be moved: "
                        + e.getMessage() + "; 'recallctl switch --to " + target + "' repairs it");
                aliasAction = "failed";
            }
        }
        // tell the search services now (issue 12 §6); after the alias move, so an alias reader sees it too
        PointerEvents.publish(cfg, pointers, log, PointerEvent.SWITCH, expected.orElse(null),
                target, lock.info().command(), w);
        Retention.Outcome retention = Retention.Outcome.NONE;
        try {
            List<String> history = pointers.history();
            Retention r = new Retention(cfg, milvus, log);
            RetentionPlan plan = r.plan(Optional.of(target), pointers.building(), history, pointers.retired(),
                    System.currentTimeMillis(), List.of());
            retention = r.apply(plan, pointers);
            retention.failed().forEach(f -> w.accept("retention: " + f + "; the next run or 'recallctl prune' retries"));
        } catch (RuntimeException e) {
            w.accept("key1 was switched to " + target + ", but retention failed: " + e.getMessage()
                    + "; the next run or 'recallctl prune' retries");
        }
        return new Result(target, expected.orElse(null), false, alias, aliasAction, retention, List.copyOf(warnings));
    }

    /** Moves the alias and reads it back; a mismatch or failure is a warning (the switch already happened). */
    private String moveAlias(String alias, String target, AliasState state, Consumer<String> warn) {
        try {
            milvus.pointAlias(alias, target);
            Optional<String> readBack = milvus.aliasTarget(alias);
            if (!readBack.filter(target::equals).isPresent()) {
                warn.accept("alias " + alias + " was moved to " + target + " but reads back as '"
                        + readBack.orElse("(none)") + "'; 'recallctl switch --to " + target + "' repairs it");
                return "moved, read back " + readBack.orElse("(none)");
            }
            log.info("alias %s -> %s", alias, target);
            return state.at().isPresent() && state.stale() ? "repaired " + alias + ": " + state.at().get() + " -> "
                    + target : "moved " + alias + " to " + target;
        } catch (RuntimeException e) {
            warn.accept("the alias " + alias + " could not be moved to " + target + ": " + e.getMessage()
                    + "; 'recallctl switch --to " + target + "' repairs it");
            return "failed";
        }
    }

    private String aliasName() {
        String a = cfg.collection().alias();
        return a == null || a.isBlank() ? null : a;
    }

    /**
     * Where an alias points, classified: nowhere yet, at the target, at the collection we switch from, at another
     * collection of this pipeline (stale: left by a switch whose alias move failed, repairable), or foreign.
     */
    public record AliasState(String alias, Optional<String> at, boolean atTarget, boolean atExpected, boolean stale,
                             boolean foreign) {
        void refuseIfForeign(String consequence) {
            if (foreign) {
                throw new PointerMovedException("Milvus alias " + alias + " points at '" + at.orElse("")
                        + "', which is not this pipeline's collection (no " + cfg() + " mark): someone else uses it; "
                        + consequence + ". Point collection.alias elsewhere or move the alias by hand");
            }
        }

        private static String cfg() {
            return org.recallctl.milvus.CollectionMark.PIPELINE;
        }

        public String describe() {
            if (at.isEmpty()) {
                return "absent (will be created)";
            }
            if (atTarget) {
                return "already at " + at.get();
            }
            if (atExpected) {
                return "at " + at.get() + " (will be moved)";
            }
            if (stale) {
                return "at " + at.get() + ", a previous collection of this pipeline (will be repaired)";
            }
            return "at " + at.get() + ", NOT this pipeline's collection: the switch would refuse (exit 6)";
        }
    }

    /** Reads and classifies the alias; an auth or transport error reading it is an error (never "no alias"). */
    public AliasState aliasState(String alias, Optional<String> expected, String target) {
        return aliasState(milvus, cfg, alias, expected, target);
    }

    public static AliasState aliasState(MilvusGateway milvus, RecallConfig cfg, String alias, Optional<String> expected,
                                        String target) {
        Optional<String> at = milvus.aliasTarget(alias);
        if (at.isEmpty()) {
            return new AliasState(alias, at, false, false, false, false);
        }
        String c = at.get();
        if (c.equals(target)) {
            return new AliasState(alias, at, true, false, false, false);
        }
        if (expected.filter(c::equals).isPresent()) {
            return new AliasState(alias, at, false, true, false, false);
        }
        boolean ours = milvus.hasCollection(c) && milvus.mark(c).filter(m -> m.isOf(cfg.pipeline())).isPresent();
        return new AliasState(alias, at, false, false, ours, !ours);
    }
}
