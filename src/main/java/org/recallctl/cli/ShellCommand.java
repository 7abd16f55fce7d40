package org.recallctl.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.recallctl.session.Connections;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "shell", description = {"Interactive shell: runs the same commands inside one JVM and keeps the "
        + "Milvus, Redis and MySQL connections warm between them, so repeated searches skip start-up and connects.",
        "Built-ins: 'timing on|off' (wall time per command), 'help', 'exit' / 'quit' / Ctrl-D. Tab completes "
                + "commands and options; history is kept in the history file."})
public class ShellCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Option(names = "--history-file", paramLabel = "FILE",
            description = "Where to keep the command history (default: $RECALLCTL_HISTORY_FILE, else ~/.recallctl_history).")
    Path historyFile;

    @Option(names = "--timing", description = "Start with timing on.")
    boolean timing;

    @Spec
    CommandSpec spec;

    ShellCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        // a caller that already holds a session (a test, an embedding tool) keeps ownership of it
        boolean own = !ctx.connections().isSession();
        Connections session = own ? Connections.session() : ctx.connections();
        try {
            // `recallctl --config F shell` means F for every command typed in the shell (a command may still override it)
            return new Shell(ctx.withConnections(session), history(), timing, GlobalOptions.of(spec).asArgs()).run();
        } finally {
            if (own) {
                session.close();
            }
        }
    }

    private Path history() {
        if (historyFile != null) {
            return historyFile;
        }
        String env = ctx.env().get("RECALLCTL_HISTORY_FILE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".recallctl_history");
    }
}
