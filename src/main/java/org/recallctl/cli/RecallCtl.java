package org.recallctl.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

@Command(name = "recallctl",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        synopsisSubcommandLabel = "COMMAND",
        description = {"Rebuild, switch, search and tune the Milvus recall layer.", "",
            "Rebuilds the full item vector set from MySQL into a new Milvus collection and switches the "
                + "Redis serving pointer to it with zero downtime; searches and benchmarks what serves."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ok",
            "1:unexpected error (a bug: rerun with --verbose and report it)",
            "2:usage or config error",
            "3:a check refused (thresholds, bad rows over tolerance)",
            "4:a dependency is unreachable or failed (MySQL, Redis, Milvus)",
            "5:another run holds the lock",
            "6:the pointer moved under us (compare-and-set lost, or the alias is not ours): nothing was switched",
            "130:interrupted"},
        subcommands = {
            StatusCommand.class,
            CheckCommand.class,
            BuildCommand.class,
            WarmupCommand.class,
            SwitchCommand.class,
            RebuildCommand.class,
            RollbackCommand.class,
            PruneCommand.class,
            SearchCommand.class,
            BenchCommand.class,
            ShellCommand.class,
            ConfigCommand.class,
            DemoCommand.class,
            InstallCdsCommand.class,
        })
public class RecallCtl implements Runnable {
    @Spec
    CommandSpec spec;
    /** --config, --set, -v, -q, --json: inherited by every subcommand, so they work before and after its name. */
    @Mixin
    GlobalOptions global;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: try 'recallctl status' or 'recallctl --help'");
    }
}
