package org.recallctl.error;

/** The process exit codes recallctl promises to scripts (README "Exit codes"). */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int UNEXPECTED = 1;
    public static final int USAGE = 2;
    public static final int CHECK_REFUSED = 3;
    public static final int DEPENDENCY = 4;
    public static final int LOCKED = 5;
    public static final int POINTER_MOVED = 6;
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }
}
