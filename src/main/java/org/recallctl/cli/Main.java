package org.recallctl.cli;

/** Entry point: builds the command line over the real process streams and exits with its code. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        for (String a : args) {
            if ("-v".equals(a) || "--verbose".equals(a)) {
                // third-party logs (Milvus SDK, gRPC, Hikari) at info when the operator asks for detail
                System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
                System.setProperty("org.slf4j.simpleLogger.log.io.milvus", "warn");
            }
        }
        int code = CommandLineFactory.create(CliContext.system()).execute(args);
        System.exit(code);
    }
}
