package org.recallctl.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Whether {@code --json} was given (before or after the command name): results as one JSON document on stdout for
 * scripts, instead of a table. The option itself is one of the {@link GlobalOptions}.
 */
// @Command only because picocli accepts no mixin without an annotation; it adds nothing to the command
@Command
public class JsonOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    public boolean enabled() {
        return GlobalOptions.of(mixee).json;
    }
}
