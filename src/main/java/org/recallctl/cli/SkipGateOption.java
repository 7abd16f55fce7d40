package org.recallctl.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code --skip-gate} of {@code rebuild} and {@code switch}: the one switch past safety rule 5, said loudly. */
// @Command only because picocli accepts no mixin without an annotation; it adds nothing to the command
@Command
public class SkipGateOption {
    @Option(names = "--skip-gate", description = "Switch without the recall gate and the content spot-check "
            + "(gate.*). Said loudly: a warning on stderr, the step 'gate' marked skipped in the report, metrics and alert.")
    boolean skipGate;

    public boolean skip() {
        return skipGate;
    }
}
