package org.recallctl.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The options every command takes, before or after its name, as git and kubectl do: {@code recallctl --config F
 * rebuild -v} is {@code recallctl rebuild --config F -v}. Declared once, on the root, with picocli's inherited scope:
 * each subcommand gets a copy of every option bound to this one object, so whichever place the operator typed it,
 * the value lands here. Commands read it through their {@link CommonOptions} and {@link JsonOption} mixins.
 * A value given twice takes the later one; {@code --set} pairs from both places add up (later wins per key).
 */
public final class GlobalOptions {
    @Option(names = "--config", order = 1, paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Config file (default: $RECALLCTL_CONFIG, else conf/recallctl.yaml of the installation).")
    Path config;

    private final Map<String, String> sets = new LinkedHashMap<>();

    @Option(names = {"-v", "--verbose"}, order = 3, scope = ScopeType.INHERIT,
            description = "More detail on stderr; stack traces on errors.")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, order = 4, scope = ScopeType.INHERIT, description = "Only warnings and errors on stderr.")
    boolean quiet;

    @Option(names = "--json", order = 5, scope = ScopeType.INHERIT, description = "Print the result as JSON on stdout (errors too).")
    boolean json;

    /**
     * A setter rather than a map field: picocli gives every command's copy of the option its own fresh map, so a
     * field would keep only the pairs typed after the last command name.
     */
    @Option(names = "--set", order = 2, paramLabel = "KEY=VALUE", mapFallbackValue = "", scope = ScopeType.INHERIT,
            description = "Override one config key, e.g. --set collection.partitions=8 (repeatable).")
    void set(Map<String, String> pairs) {
        sets.putAll(pairs);
    }

    /** The root's options, seen from any command of the tree. */
    static GlobalOptions of(CommandSpec spec) {
        Object root = spec.root().userObject();
        if (root instanceof RecallCtl r) {
            return r.global;
        }
        throw new IllegalStateException(spec.qualifiedName() + " is not under the recallctl root command");
    }

    Map<String, String> sets() {
        return Collections.unmodifiableMap(sets);
    }

    /** These options as arguments again, so the shell can hand the ones it was started with to every command. */
    List<String> asArgs() {
        List<String> args = new ArrayList<>();
        if (config != null) {
            args.add("--config=" + config);
        }
        sets.forEach((k, v) -> args.add("--set=" + k + "=" + v));
        if (verbose) {
            args.add("--verbose");
        }
        if (quiet) {
            args.add("--quiet");
        }
        if (json) {
            args.add("--json");
        }
        return args;
    }
}
