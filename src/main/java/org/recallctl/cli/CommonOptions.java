package org.recallctl.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.recallctl.config.ConfigLoader;
import org.recallctl.config.LoadedConfig;
import org.recallctl.output.Log;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What a command needs of the {@link GlobalOptions} (which file, {@code --set} overrides, verbosity), typed before or
 * after its name: mix it in with {@code @Mixin CommonOptions common} and call {@link #load} and {@link #log}.
 */
// @Command only because picocli accepts no mixin without an annotation; it adds nothing to the command
@Command
public class CommonOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** Loads the config with this command's flags as the top layer and teaches the redactor its secrets. */
    public LoadedConfig load(CliContext ctx, Flags flags) {
        LoadedConfig loaded = new ConfigLoader(ctx.env()).load(configFile(ctx), global().sets(), flags.values());
        loaded.config().secrets().forEach(ctx.redactor()::register);
        Log log = log(ctx);
        loaded.warnings().forEach(log::warn);
        return loaded;
    }

    public Log log(CliContext ctx) {
        return new Log(ctx.err(), ctx.redactor(), verbose() ? Log.Level.VERBOSE : quiet() ? Log.Level.QUIET : Log.Level.NORMAL);
    }

    /** {@code -q}: progress and info lines off (warnings and errors stay). */
    public boolean quiet() {
        return global().quiet;
    }

    public boolean verbose() {
        return global().verbose;
    }

    private GlobalOptions global() {
        return GlobalOptions.of(mixee);
    }

    Path configFile(CliContext ctx) {
        Path config = global().config;
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
