package org.recallctl.error;

/** Another run holds the pipeline lock: exit 5; the message names the holder. */
public class LockHeldException extends RecallctlException {
    public LockHeldException(String message) {
        super(ExitCodes.LOCKED, message);
    }
}
