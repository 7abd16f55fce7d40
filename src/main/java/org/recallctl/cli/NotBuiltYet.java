package org.recallctl.cli;

import org.recallctl.error.ExitCodes;
import org.recallctl.error.RecallctlException;

/** What a command that is not implemented yet says: exit 2 and where the work is tracked; never fake success. */
final class NotBuiltYet {
    private NotBuiltYet() {
    }

    static RecallctlException of(String command, int issue) {
        return new RecallctlException(ExitCodes.USAGE, "'recallctl " + command + "' is not built yet (tracked in issue #"
                + issue + "); nothing was done");
    }
}
