package org.recallctl.pipeline;

import org.recallctl.output.Progress;

/** {@code rollback} under the run lock: key1 back to the history head ({@link RollbackStep}). */
public final class RollbackOperation implements Operation<RollbackStep.Result> {
    private final Progress progress;

    public RollbackOperation(Progress progress) {
        this.progress = progress;
    }

    @Override
    public String command() {
        return "rollback";
    }

    @Override
    public RollbackStep.Result run(OperationRunner.Run run) {
        return run.step("rollback", step -> {
            RollbackStep.Result x = new RollbackStep(run.cfg(), run.milvus(), run.pointers(), run.log(), progress)
                    .run(run.lock(), run::warn);
            step.put("from", x.from()).put("to", x.to()).put("alias", x.aliasAction());
            run.report().pointer("serving_before", x.from());
            run.report().pointer("serving_after", x.to());
            run.report().decide("rolled back from " + (x.from() == null ? "(unset)" : x.from()) + " to " + x.to());
            return x;
        });
    }

    @Override
    public String summary(RollbackStep.Result x) {
        return "rolled back to " + x.to();
    }
}
