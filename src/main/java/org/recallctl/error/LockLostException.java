package org.recallctl.error;

/**
 * This run no longer holds the pipeline lock (it expired, or another run took it over): exit 5. Raised at the
 * next step boundary after a failed renewal, and by the switch and rollback scripts, which check the caller's
 * token atomically with the compare-and-set (a fenced lock), so nothing was switched.
 */
public class LockLostException extends RecallctlException {
    public LockLostException(String message) {
        super(ExitCodes.LOCKED, message);
    }
}
