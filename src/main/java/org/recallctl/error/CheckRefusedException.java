package org.recallctl.error;

/** A safety check refused to go on (thresholds, bad rows over tolerance): exit 3. */
public class CheckRefusedException extends RecallctlException {
    public CheckRefusedException(String message) {
        super(ExitCodes.CHECK_REFUSED, message);
    }
}
