package org.recallctl.cli;

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

    public static void main(String[] args) {
        boolean verbose = java.util.Arrays.asList(args).contains("-v") || java.util.Arrays.asList(args).contains("--verbose");
        if (verbose) {
            // third-party logs (Milvus SDK, gRPC, Hikari) at info when the operator asks for detail
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
            System.setProperty("org.slf4j.simpleLogger.log.io.milvus", "warn");
            System.setProperty("org.slf4j.simpleLogger.log.redis.clients.jedis", "warn");
        }
        GRPC_LOG.setLevel(verbose ? java.util.logging.Level.INFO : java.util.logging.Level.SEVERE);
        int code = CommandLineFactory.create(CliContext.system()).execute(args);
        System.exit(code);
    }
}
