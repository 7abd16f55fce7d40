package org.recallctl.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.recallctl.error.CheckRefusedException;
import org.recallctl.error.ExitCodes;
import org.recallctl.error.RecallctlException;
import org.recallctl.output.Progress;
import org.recallctl.pointer.PointerEvent;
import org.recallctl.source.ItemSource;

/**
 * What happens after key1 moved (issue 12 §3, DESIGN §5 rule 5): the {@link ServeProbe} proves the new
 * collection serves, and keeps proving it for a {@code --watch} window; when it does not, the switch is reverted
 * by the fenced compare-and-set of {@link RollbackStep} (key1 must still name the target, the run must still
 * hold the lock) and the run fails with exit 3 "switched, probe failed, reverted to X". When the revert itself
 * fails the run fails with exit 4 saying loudly what key1 names now.
 *
 * <p>Steps in the report: {@code probe}, then {@code watch} (with --watch), then {@code revert} when one was
 * needed. A key1 moved by someone else after our switch is not ours to judge or revert: a warning, probing stops.
 */
public final class ServeGuard {
    public record Outcome(ServeProbe.Verdict last, int rounds, boolean probed, double watchedS) {
        static final Outcome SKIPPED = new Outcome(null, 0, false, 0);
    }

    /** The probe (or a watch round) failed: carries the verdict to the revert. */
    private static final class ProbeFailed extends CheckRefusedException {
        final ServeProbe.Verdict verdict;
        final String when;

        ProbeFailed(ServeProbe.Verdict verdict, String when) {
            super("serve probe failed" + when + ": " + verdict.headline());
            this.verdict = verdict;
            this.when = when;
        }
    }

    private final OperationRunner.Run run;
    private final Progress progress;

    public ServeGuard(OperationRunner.Run run, Progress progress) {
        this.run = run;
        this.progress = progress == null ? Progress.none() : progress;
    }

    /**
     * @param target   what the switch moved key1 to
     * @param previous what key1 named before (null = the first switch: nothing to revert to)
     * @param watch    keep probing this long after the first probe (zero = no watch)
     * @param source   where probe query vectors are sampled (empty = random unit vectors)
     */
    public Outcome afterSwitch(String target, String previous, Duration watch, Optional<ItemSource> source) {
        var pc = run.cfg().probe();
        if (!pc.enabled()) {
            run.report().decide("serve probe off (probe.queries: 0): nothing proved that " + target + " serves");
            return Outcome.SKIPPED;
        }
        List<float[]> vectors = ServeProbe.queryVectors(run.cfg(), source, run.log());
        ServeProbe probe = new ServeProbe(run.cfg(), run.pointers(), run.reader(), vectors);
        try {
            ServeProbe.Verdict first = run.step("probe", step -> {
                ServeProbe.Verdict v = probe.probe(target);
                step.put("probe", v.details());
                if (!v.passed() && !v.movedAway()) {
                    throw new ProbeFailed(v, "");
                }
                return v;
            });
            if (first.movedAway()) {
                run.warn("serve probe skipped: " + first.headline() + "; not ours to judge or revert");
                return new Outcome(first, 1, true, 0);
            }
            String ok = String.format(java.util.Locale.ROOT, "serve probe ok: %d queries on %s over %d partitions, "
                    + "p99 %.1f ms", first.queries(), target, first.partitions(), first.p99Ms());
            run.report().decide(ok);
            run.log().info("%s", ok);
            if (watch.isZero() || watch.isNegative()) {
                return new Outcome(first, 1, true, 0);
            }
            return run.step("watch", step -> watch(probe, target, watch, step));
        } catch (ProbeFailed failed) {
            throw revert(target, previous, failed);
        }
    }

    private Outcome watch(ServeProbe probe, String target, Duration window, RunReport.Step step) {
        long t0 = System.nanoTime();
        long end = t0 + window.toNanos();
        long interval = run.cfg().probe().watchIntervalMs();
        int rounds = 0;
        ServeProbe.Verdict last = null;
        step.put("window_s", window.toMillis() / 1000.0).put("interval_ms", interval);
        run.log().info("watching %s for %s (a probe every %d ms; a breach reverts the switch)", target,
                describe(window), interval);
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                break;
            }
            sleep(Math.min(interval, Math.max(1, left / 1_000_000)));
            run.checkpoint(); // Ctrl-C ends the watch (exit 130; the switch stands), a lost lock stops it (exit 5)
            last = probe.probe(target);
            rounds++;
            double at = (System.nanoTime() - t0) / 1e9;
            step.put("rounds", rounds).put("last", last.details());
            if (last.movedAway()) {
                run.warn("--watch stopped after " + round(at) + " s: " + last.headline() + "; not ours to revert");
                break;
            }
            if (!last.passed()) {
                step.put("breach_at_s", round(at));
                throw new ProbeFailed(last, " during --watch (round " + rounds + ", " + round(at) + " s after the switch)");
            }
        }
        double watched = round((System.nanoTime() - t0) / 1e9);
        step.put("watched_s", watched);
        run.report().decide("watched " + target + " for " + watched + " s: " + rounds + " probe rounds, no breach");
        return new Outcome(last, rounds + 1, true, watched);
    }

    /**
     * Moves key1 back to {@code previous} by the fenced rollback compare-and-set and returns the run's failure:
     * exit 3 when the revert worked, exit 4 (loud, naming what serves) when it did not.
     */
    private RecallctlException revert(String target, String previous, ProbeFailed failed) {
        String why = failed.getMessage();
        run.report().pointer("probe_failed", target);
        try {
            RollbackStep.Result r = run.step("revert", step -> {
                step.put("from", target).put("to", previous).put("reason", why);
                if (previous == null) {
                    throw new RecallctlException(ExitCodes.DEPENDENCY, "there is no previous collection to revert to "
                            + "(this was the first switch of the pipeline)");
                }
                List<String> history = run.pointers().history();
                if (history.isEmpty() || !history.get(0).equals(previous)) {
                    throw new RecallctlException(ExitCodes.DEPENDENCY, run.pointers().keys().history() + " no longer "
                            + "starts with " + previous + " (head: " + (history.isEmpty() ? "(empty)" : history.get(0)) + ")");
                }
                return new RollbackStep(run.cfg(), run.milvus(), run.pointers(), run.log(), progress)
                        .run(run.lock(), Optional.of(target), PointerEvent.REVERT, why, run::warn);
            });
            run.keyOneMoved(target, r.to());
            run.report().pointer("serving_after", r.to());
            run.report().pointer("reverted_to", r.to());
            run.report().decide("reverted " + run.pointers().keys().current() + " from " + target + " to " + r.to()
                    + ": " + why);
            return new CheckRefusedException("switched to " + target + ", probe failed, reverted to " + r.to() + " ("
                    + why + ")");
        } catch (RecallctlException e) {
            // exit 4 whatever stopped the revert (the runner still says 130 for Ctrl-C and 5 for a lost lock)
            String serves = whatServes();
            String loud = "switched to " + target + ", probe failed (" + why + "), and the REVERT FAILED: "
                    + e.getMessage() + ". NOW SERVING: " + serves + ". Act now: 'recallctl rollback' or "
                    + "'recallctl switch --to <a good collection>'";
            run.report().pointer("serving_after", serves);
            return new RecallctlException(ExitCodes.DEPENDENCY, loud, e);
        }
    }

    private String whatServes() {
        try {
            return "key1 " + run.pointers().keys().current() + " names "
                    + run.pointers().current().orElse("nothing (unset)");
        } catch (RuntimeException e) {
            return "unknown (cannot read key1: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the checkpoint right after turns it into exit 130 / 5
        }
    }

    private static double round(double d) {
        return Math.round(d * 10) / 10.0;
    }

    static String describe(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 != 0 ? ms + " ms" : ms / 1000 + " s";
    }
}
