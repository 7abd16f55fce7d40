package org.recallctl.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import org.recallctl.config.Redactor;
import org.recallctl.output.RedactingWriter;
import org.recallctl.session.Connections;

/**
 * What a command may touch of the outside world: its streams, the environment, where recallctl is installed,
 * the redactor that learns every secret as soon as the config is loaded, and where connections come from
 * (fresh per command, or warm ones held by the shell). Tests build one over StringWriters.
 *
 * @param home           installation directory (holds conf/), or null when unknown
 * @param errIsTerminal  stderr is a terminal: draw progress bars instead of periodic lines
 * @param in             standard input (the shell reads it; {@code --vector-file -} too)
 * @param connections    per-command connections, or the shell's session-scoped ones
 */
public record CliContext(PrintWriter out, PrintWriter err, Map<String, String> env, Path home, boolean errIsTerminal,
                         Redactor redactor, InputStream in, Connections connections) {

    /** The original six-part context: empty stdin, per-command connections. */
    public CliContext(PrintWriter out, PrintWriter err, Map<String, String> env, Path home, boolean errIsTerminal,
                      Redactor redactor) {
        this(out, err, env, home, errIsTerminal, redactor, InputStream.nullInputStream(), Connections.perCommand());
    }

    /** The process's own streams; {@code redactor} is the one that also guards System.out/err (see Main). */
    public static CliContext system(Redactor redactor) {
        String home = System.getProperty("recallctl.home");
        return new CliContext(new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.getenv(),
                home == null ? null : Path.of(home), System.console() != null, redactor, System.in,
                Connections.perCommand());
    }

    /**
     * The same context with stdout and stderr behind the redactor: every byte a command prints passes it, so a
     * secret cannot reach the terminal or a script by a path nobody thought of (a status row, a JSON field).
     */
    public CliContext redacting() {
        return new CliContext(RedactingWriter.wrap(out, redactor), RedactingWriter.wrap(err, redactor), env, home,
                errIsTerminal, redactor, in, connections);
    }

    public CliContext withIn(InputStream newIn) {
        return new CliContext(out, err, env, home, errIsTerminal, redactor, newIn, connections);
    }

    /** The same context with another connection provider (the shell passes its session this way). */
    public CliContext withConnections(Connections c) {
        return new CliContext(out, err, env, home, errIsTerminal, redactor, in, c);
    }

    public CliContext withOut(PrintWriter newOut) {
        return new CliContext(newOut, err, env, home, errIsTerminal, redactor, in, connections);
    }
}
