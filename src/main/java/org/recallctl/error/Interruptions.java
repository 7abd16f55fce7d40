package org.recallctl.error;

/**
 * The pause of a wait loop (polling Milvus, backing off a retry): an interrupt ends the wait as exit 130 with
 * the message saying what was being waited for, and leaves the thread's interrupt flag set.
 */
public final class Interruptions {
    private Interruptions() {
    }

    public static void sleep(long ms, String interruptedMessage) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RecallctlException(130, interruptedMessage, e);
        }
    }
}
