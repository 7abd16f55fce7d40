package org.recallctl.cli;

import org.recallctl.config.Redactor;
import org.recallctl.output.RedactingOutputStream;

/** Entry point: builds the command line over the real process streams and exits with its code. */
public final class Main {
    /**
     * gRPC (shaded in the Milvus SDK) logs through java.util.logging, e.g. a harmless "too_many_pings" GOAWAY when
     * a server's keepalive policy is stricter than the client's; recallctl reports real failures itself. Held in a
     * field because java.util.logging keeps loggers only weakly.
     */
    private static final java.util.logging.Logger GRPC_LOG = java.util.logging.Logger.getLogger("io.milvus.shaded.io.grpc");

    private Main() {
    }

    /** java.util.logging's console handler keeps the System.err it was created with: give it the redacted one. */
    private static void rebindConsoleLogging() {
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        for (java.util.logging.Handler h : root.getHandlers()) {
            if (h instanceof java.util.logging.ConsoleHandler old) {
                java.util.logging.ConsoleHandler fresh = new java.util.logging.ConsoleHandler();
                fresh.setLevel(old.getLevel());
                fresh.setFormatter(old.getFormatter());
                root.removeHandler(old);
                root.addHandler(fresh);
            }
        }
    }

    public static void main(String[] args) {
        boolean verbose = java.util.Arrays.asList(args).contains("-v") || java.util.Arrays.asList(args).contains("--verbose");
        if (verbose) {
            // third-party logs (Milvus SDK, gRPC, Hikari) at info when the operator asks for detail
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
            System.setProperty("org.slf4j.simpleLogger.log.io.milvus", "warn");
            System.setProperty("org.slf4j.simpleLogger.log.redis.clients.jedis", "warn");
        }
        GRPC_LOG.setLevel(verbose ? java.util.logging.Level.INFO : java.util.logging.Level.SEVERE);
        // one redactor for the CLI's writers and the raw process streams that libraries print to themselves
        Redactor redactor = new Redactor();
        System.setOut(RedactingOutputStream.wrap(System.out, redactor));
        System.setErr(RedactingOutputStream.wrap(System.err, redactor));
        rebindConsoleLogging();
        int code = CommandLineFactory.create(CliContext.system(redactor)).execute(args);
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }
}
