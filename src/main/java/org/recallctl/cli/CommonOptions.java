package org.recallctl.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.recallctl.config.ConfigLoader;
import org.recallctl.config.LoadedConfig;
import org.recallctl.output.Log;
import picocli.CommandLine.Option;

/** Options every command that reads the config shares: which file, {@code --set} overrides, verbosity. */
public class CommonOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file (default: $RECALLCTL_CONFIG, else conf/recallctl.yaml of the installation).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "Override one config key, e.g. --set collection.partitions=8 (repeatable).")
    Map<String, String> sets = new LinkedHashMap<>();

    @Option(names = {"-v", "--verbose"}, description = "More detail on stderr; stack traces on errors.")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, description = "Only warnings and errors on stderr.")
    boolean quiet;

    /** Loads the config with this command's flags as the top layer and teaches the redactor its secrets. */
    public LoadedConfig load(CliContext ctx, Flags flags) {
        LoadedConfig loaded = new ConfigLoader(ctx.env()).load(configFile(ctx), sets, flags.values());
        loaded.config().secrets().forEach(ctx.redactor()::register);
        Log log = log(ctx);
        loaded.warnings().forEach(log::warn);
        return loaded;
    }

    public Log log(CliContext ctx) {
        return new Log(ctx.err(), ctx.redactor(), verbose ? Log.Level.VERBOSE : quiet ? Log.Level.QUIET : Log.Level.NORMAL);
    }

    Path configFile(CliContext ctx) {
        if (config != null) {
            return config;
        }
        String fromEnv = ctx.env().get("RECALLCTL_CONFIG");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        if (ctx.home() != null) {
            Path installed = ctx.home().resolve("conf/recallctl.yaml");
            if (Files.isRegularFile(installed)) {
                return installed;
            }
        }
        return null;
    }

    /** Flag values keyed by config key; a flag left out (null) falls through to the lower layers. */
    public static final class Flags {
        private final Map<String, ConfigLoader.FlagValue> values = new LinkedHashMap<>();

        public static Flags none() {
            return new Flags();
        }

        public Flags put(String key, Object value, String flag) {
            if (value != null) {
                values.put(key, new ConfigLoader.FlagValue(String.valueOf(value), flag));
            }
            return this;
        }

        Map<String, ConfigLoader.FlagValue> values() {
            return values;
        }
    }
}
