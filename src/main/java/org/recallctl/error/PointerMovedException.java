package org.recallctl.error;

/** The serving pointer changed under us; compare-and-set lost: exit 6. */
public class PointerMovedException extends RecallctlException {
    public PointerMovedException(String message) {
        super(ExitCodes.POINTER_MOVED, message);
    }
}
