package org.recallctl.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import org.recallctl.config.Redactor;

/**
 * What a command may touch of the outside world: its two streams, the environment, where recallctl is installed,
 * and the redactor that learns every secret as soon as the config is loaded. Tests build one over StringWriters.
 *
 * @param home           installation directory (holds conf/), or null when unknown
 * @param errIsTerminal  stderr is a terminal: draw progress bars instead of periodic lines
 */
public record CliContext(PrintWriter out, PrintWriter err, Map<String, String> env, Path home, boolean errIsTerminal,
                         Redactor redactor) {

    public static CliContext system() {
        String home = System.getProperty("recallctl.home");
        return new CliContext(new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.getenv(),
                home == null ? null : Path.of(home), System.console() != null, new Redactor());
    }
}
