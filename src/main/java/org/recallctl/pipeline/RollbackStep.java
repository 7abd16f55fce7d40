package org.recallctl.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.CheckRefusedException;
import org.recallctl.milvus.IndexInfo;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.output.Log;
import org.recallctl.pointer.PointerEvent;
import org.recallctl.output.Progress;
import org.recallctl.output.ProgressTask;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.pointer.RunLock;

/**
 * Points key1 back at the newest history entry, by the same compare-and-set as a switch, after checking that
 * collection still exists, is indexed, holds at least thresholds.min_rows, and is loaded (loading it when it was
 * released). Mirrors the Milvus alias. The caller holds the run lock.
 */
public final class RollbackStep {
    private final RecallConfig cfg;
    private final MilvusGateway milvus;
    private final RedisPointerStore pointers;
    private final Log log;
    private final Progress progress;

    public RollbackStep(RecallConfig cfg, MilvusGateway milvus, RedisPointerStore pointers, Log log, Progress progress) {
        this.cfg = cfg;
        this.milvus = milvus;
        this.pointers = pointers;
        this.log = log;
        this.progress = progress;
    }

    public record Result(String from, String to, long rows, boolean loadedNow, String aliasAction,
                         List<String> warnings) {
    }

    /**
     * @param lock the run's lock: the compare-and-set checks its token atomically (exit 5 when lost)
     * @param warn where problems after the compare-and-set go: they are warnings, the rollback happened
     */
    public Result run(RunLock lock, Consumer<String> warn) {
        return run(lock, pointers.current(), PointerEvent.ROLLBACK, lock.info().command(), warn);
    }

    /**
     * @param current what key1 must name for the compare-and-set (a revert passes the collection it switched to)
     * @param event   the {@link PointerEvent} published after the move: rollback, or revert (the serve probe failed)
     * @param reason  the event's reason
     */
    public Result run(RunLock lock, Optional<String> current, String event, String reason, Consumer<String> warn) {
        List<String> warnings = new ArrayList<>();
        List<String> history = pointers.history();
        if (history.isEmpty()) {
            throw new CheckRefusedException("nothing to roll back to: " + pointers.keys().history() + " is empty");
        }
        String target = history.get(0);
        String why = "refusing to roll back to '" + target + "'";
        if (!milvus.hasCollection(target)) {
            throw new CheckRefusedException(why + ": it no longer exists in Milvus (dropped by retention?)");
        }
        IndexInfo index = milvus.index(target, cfg.collection().vectorField());
        if (!index.finished()) {
            throw new CheckRefusedException(why + ": its index is not finished (state " + index.state()
                    + "); under alternate naming a failed build may have left it half-built");
        }
        long rows = milvus.rowCount(target);
        if (rows < cfg.thresholds().minRows()) {
            throw new CheckRefusedException(why + ": it holds " + rows + " rows, below thresholds.min_rows = "
                    + cfg.thresholds().minRows());
        }
        boolean loadedNow = false;
        if (!milvus.loadState(target).loaded()) {
            try (ProgressTask task = progress.start("load " + target, 100, "%")) {
                milvus.load(target, cfg.milvus().loadTimeoutS() * 1000L, info -> task.setTo(info.progress()));
            }
            loadedNow = true;
        }
        String alias = cfg.collection().alias();
        boolean mirror = alias != null && !alias.isBlank();
        if (mirror) {
            SwitchStep.aliasState(milvus, cfg, alias, current, target).refuseIfForeign("nothing was rolled back");
        }
        pointers.rollbackTo(lock, current, target);
        log.info("rolled back %s: %s -> %s", pointers.keys().current(), current.orElse("(unset)"), target);
        String aliasAction = "none";
        if (mirror) {
            try {
                SwitchStep.AliasState after = SwitchStep.aliasState(milvus, cfg, alias, current, target);
                if (after.foreign()) {
                    throw new IllegalStateException("it now points at '" + after.at().orElse("")
                            + "', which is not this pipeline's collection");
                }
                if (!after.atTarget()) {
                    milvus.pointAlias(alias, target);
                }
                Optional<String> back = milvus.aliasTarget(alias);
                if (!back.filter(target::equals).isPresent()) {
                    throw new IllegalStateException("it reads back as '" + back.orElse("(none)") + "'");
                }
                aliasAction = "moved " + alias + " to " + target;
            } catch (RuntimeException e) {
                String m = "key1 was rolled back to " + target + ", but the alias " + alias + " was not moved: "
                        + e.getMessage() + "; 'recallctl switch --to " + target + "' repairs it";
                warnings.add(m);
                warn.accept(m);
                aliasAction = "failed";
            }
        }
        PointerEvents.publish(cfg, pointers, log, event, current.orElse(null), target, reason, m -> {
            warnings.add(m);
            warn.accept(m);
        });
        return new Result(current.orElse(null), target, rows, loadedNow, aliasAction, List.copyOf(warnings));
    }
}
