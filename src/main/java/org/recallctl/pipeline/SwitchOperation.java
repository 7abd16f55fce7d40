package org.recallctl.pipeline;

import java.time.Duration;
import java.util.Optional;
import org.recallctl.config.RecallConfig;
import org.recallctl.output.Progress;
import org.recallctl.source.MysqlItemSource;

/**
 * {@code switch --to NAME} under the run lock: the post-build check (safety rule 1) and the recall gate (rule 5)
 * unless NAME already serves, then the fenced compare-and-set, alias and retention ({@link SwitchStep}), then
 * the serve probe.
 */
public final class SwitchOperation implements Operation<SwitchStep.Result> {
    private final String to;
    private final String expectCurrent;
    private final long expectRejected;
    private final Duration watch;
    private boolean skipGate;

    /**
     * @param expectCurrent what key1 must name for the switch ({@code "-"} = unset), or null for what it names now
     */
    public SwitchOperation(String to, String expectCurrent, long expectRejected) {
        this(to, expectCurrent, expectRejected, Duration.ZERO);
    }

    /** @param watch {@code switch --watch}: keep probing this long after the switch; a breach reverts it */
    public SwitchOperation(String to, String expectCurrent, long expectRejected, Duration watch) {
        this.to = to;
        this.expectCurrent = expectCurrent;
        this.expectRejected = expectRejected;
        this.watch = watch == null ? Duration.ZERO : watch;
    }

    /** {@code switch --skip-gate}: switch without the recall gate and spot-check, said loudly. */
    public SwitchOperation skipGate(boolean skip) {
        this.skipGate = skip;
        return this;
    }

    @Override
    public String command() {
        return "switch --to " + to;
    }

    @Override
    public SwitchStep.Result run(OperationRunner.Run run) {
        RecallConfig cfg = run.cfg();
        Optional<String> now = run.pointers().current();
        Optional<String> expected = expectCurrent == null ? now
                : "-".equals(expectCurrent) ? Optional.empty() : Optional.of(expectCurrent);
        run.report().pointer("serving_before", now.orElse(null));
        run.report().pointer("target", to);
        if (!now.filter(to::equals).isPresent()) {
            // safety rule 1: the target passes the post-build check before key1 may name it
            run.perform("check_built", step -> {
                MysqlItemSource source = run.source(1);
                CheckStep.After a = new CheckStep(cfg, source, run.milvus(), run.log())
                        .after(to, source.count(), expectRejected, null, expected);
                step.put("built_rows", a.builtRows()).put("verdict", a.verdict().summary());
            });
            // safety rule 5, as in rebuild: counts say nothing about whether the target answers well
            run.perform("gate", step -> GateStep.perform(run, step, run.source(1), to, now,
                    GateStep.skippedBy(skipGate, cfg)));
        }
        SwitchStep.Result r = run.step("switch", step -> {
            SwitchStep.Result s = new SwitchStep(cfg, run.milvus(), run.pointers(), run.log())
                    .run(run.lock(), to, expected, run::warn);
            if (!s.alreadyServing()) {
                run.keyOneMoved(s.previous(), s.target());
            }
            step.put("from", s.previous()).put("to", s.target()).put("alias", s.aliasAction())
                    .put("retention", s.retention()).put("warnings", s.warnings());
            return s;
        });
        run.report().pointer("serving_after", to);
        run.report().decide(r.alreadyServing() ? to + " already serving (alias " + r.aliasAction() + ")"
                : "switched from " + (r.previous() == null ? "(unset)" : r.previous()) + " to " + to);
        if (r.alreadyServing()) {
            run.report().decide("no serve probe: nothing was switched");
        } else {
            // prove it serves (and keep proving it for --watch); a failure reverts the switch (exit 3 / 4)
            new ServeGuard(run, Progress.none()).afterSwitch(to, r.previous(), watch, Optional.of(run.source(1)));
        }
        return r;
    }

    @Override
    public String summary(SwitchStep.Result r) {
        return r.alreadyServing() ? to + " already serving" : "switched to " + to;
    }
}
