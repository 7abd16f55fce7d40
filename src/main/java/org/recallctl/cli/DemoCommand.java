package org.recallctl.cli;

import java.time.Clock;
import java.util.concurrent.Callable;
import org.recallctl.config.LoadedConfig;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.ExitCodes;
import org.recallctl.output.Json;
import org.recallctl.output.Log;
import org.recallctl.pipeline.Operation;
import org.recallctl.pipeline.OperationRunner;
import org.recallctl.source.DemoSeeder;
import org.recallctl.source.MysqlItemSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", description = "Demo data for trying recallctl on a local stack.",
        subcommands = {DemoCommand.Seed.class})
public class DemoCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: seed");
    }

    @Command(name = "seed", description = {"Create the source table and fill it with reproducible, clustered, "
            + "L2-normalised vectors plus category and brand columns, in the configured encoding. Creates a new "
            + "table only: an existing table is refused (exit 3), and --replace/--append work only on a table demo "
            + "seed created."})
    static class Seed implements Callable<Integer> {
        private final CliContext ctx;
        @Mixin
        CommonOptions common;
        @Mixin
        JsonOption json;
        @Option(names = "--items", defaultValue = "100000", description = "Rows to write (default: ${DEFAULT-VALUE}).")
        long items;
        @Option(names = "--dim", description = "Vector dimension (default: source.dimension).")
        Integer dim;
        @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
        long seed;
        @Option(names = "--clusters", defaultValue = "64", description = "Cluster centres (default: ${DEFAULT-VALUE}).")
        int clusters;
        @Option(names = "--categories", defaultValue = "20", description = "Distinct categories (default: ${DEFAULT-VALUE}).")
        int categories;
        @Option(names = "--encoding", description = "Vector encoding: json, csv, f32le, base64 (default: source.encoding).")
        String encoding;
        @Option(names = "--replace", description = "Drop and recreate the table, only if demo seed created it (its "
                + "comment says so); any other table is refused. Default: create a new table only.")
        boolean replace;
        @Option(names = "--append", description = "Add rows to the table, only if demo seed created it.")
        boolean append;

        Seed(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            if (items < 1 || clusters < 1 || categories < 1) {
                throw new org.recallctl.error.ConfigException("--items, --clusters and --categories must be at least 1");
            }
            LoadedConfig loaded = common.load(ctx, CommonOptions.Flags.none()
                    .put("source.dimension", dim, "--dim").put("source.encoding", encoding, "--encoding"));
            RecallConfig config = loaded.config();
            Log log = common.log(ctx);
            if (replace && append) {
                throw new org.recallctl.error.ConfigException("--replace and --append exclude each other");
            }
            DemoSeeder.Mode mode = replace ? DemoSeeder.Mode.REPLACE : append ? DemoSeeder.Mode.APPEND
                    : DemoSeeder.Mode.CREATE;
            long start = System.nanoTime();
            long written;
            try {
                written = new OperationRunner(config, log, ctx.connections(), Clock.systemUTC()).run(Operation.of(
                        "demo seed", false, run -> run.step("seed", step -> {
                            MysqlItemSource source = run.source(1);
                            log.info("seeding %d items of dimension %d (%s) into %s, seed %d", items,
                                    config.source().dimension(), config.source().encoding().name().toLowerCase(),
                                    config.source().table(), seed);
                            long step10 = Math.max(1000, items / 10);
                            long n = new DemoSeeder(source, config).seed(new DemoSeeder.Plan(items,
                                    config.source().dimension(), seed, clusters, categories, 50, mode), k -> {
                                        if (k % step10 == 0 || k == items) {
                                            log.info("  %d / %d rows", k, items);
                                        }
                                    });
                            step.put("table", config.source().table()).put("rows", n).put("mode", mode.name());
                            return n;
                        })));
            } finally {
                ctx.connections().endCommand();
            }
            double secs = (System.nanoTime() - start) / 1e9;
            if (json.enabled()) {
                Json.print(ctx.out(), Json.object().put("table", config.source().table()).put("rows", written)
                        .put("dimension", config.source().dimension()).put("seconds", Math.round(secs * 100) / 100.0));
            } else {
                ctx.out().printf("seeded %d rows into %s in %.1f s (%.0f rows/s)%n", written, config.source().table(),
                        secs, written / secs);
                ctx.out().flush();
            }
            return ExitCodes.OK;
        }
    }
}
