package org.recallctl.cli;

import java.util.concurrent.Callable;
import org.recallctl.config.ConfigKey;
import org.recallctl.config.ConfigSchema;
import org.recallctl.config.ConfigValue;
import org.recallctl.config.LoadedConfig;
import org.recallctl.error.ExitCodes;
import org.recallctl.output.Json;
import org.recallctl.output.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "config", description = "Show or validate the effective configuration.",
        subcommands = {ConfigCommand.Show.class, ConfigCommand.Validate.class})
public class ConfigCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: show or validate");
    }

    @Command(name = "show", description = {"Print every key's effective value and where it came from "
            + "(default, file, env, --set, flag). Secrets print as ****."})
    static class Show implements Callable<Integer> {
        private final CliContext ctx;
        @Mixin
        CommonOptions common;
        @Mixin
        JsonOption json;
        @Option(names = "--origin", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Show where each value came from (default: on).")
        boolean origin;

        Show(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            LoadedConfig loaded = common.load(ctx, CommonOptions.Flags.none());
            var doc = Json.object();
            doc.put("file", loaded.file() == null ? null : loaded.file().toString());
            var keys = doc.putObject("keys");
            Table t = origin ? new Table("KEY", "VALUE", "ORIGIN") : new Table("KEY", "VALUE");
            loaded.effective().forEach((name, value) -> {
                String shown = display(name, value);
                keys.putObject(name).put("value", shown).put("origin", value.origin());
                if (origin) {
                    t.row(name, shown.isEmpty() ? "\"\"" : shown, value.origin());
                } else {
                    t.row(name, shown.isEmpty() ? "\"\"" : shown);
                }
            });
            if (json.enabled()) {
                Json.print(ctx.out(), doc);
            } else {
                ctx.out().println("# config file: " + (loaded.file() == null ? "(none: built-in defaults)" : loaded.file()));
                t.print(ctx.out());
            }
            return ExitCodes.OK;
        }

        private String display(String name, ConfigValue value) {
            ConfigKey key = ConfigSchema.get().find(name).orElse(null);
            String text = value.text();
            if (key != null && key.secret()) {
                return text.isEmpty() ? "" : "****";
            }
            return ctx.redactor().redact(text);
        }
    }

    @Command(name = "validate", description = "Load and check the configuration; exit 2 naming the first bad key.")
    static class Validate implements Callable<Integer> {
        private final CliContext ctx;
        @Mixin
        CommonOptions common;
        @Mixin
        JsonOption json;

        Validate(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            LoadedConfig loaded = common.load(ctx, CommonOptions.Flags.none());
            if (json.enabled()) {
                Json.print(ctx.out(), Json.object().put("valid", true)
                        .put("file", loaded.file() == null ? null : loaded.file().toString()));
            } else {
                ctx.out().println("config ok" + (loaded.file() == null ? " (built-in defaults)" : ": " + loaded.file()));
            }
            ctx.out().flush();
            return ExitCodes.OK;
        }
    }
}
