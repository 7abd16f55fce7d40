package org.recallctl.milvus;

/**
 * One bulk import task as the server reports it: state (Pending, Started, Persisted, Flushed, Completed, Failed,
 * FailedAndCleaned), rows imported so far, percent when the server tells, and its reason when it failed.
 */
public record ImportProgress(long task, String state, long rows, int percent, String failedReason) {
    public boolean completed() {
        return "Completed".equals(state);
    }

    public boolean failed() {
        return state.startsWith("Failed");
    }

    /** The server will not touch this task's partition any more. */
    public boolean finished() {
        return completed() || failed();
    }
}
