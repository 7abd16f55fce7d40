package org.recallctl.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.recallctl.error.ConfigException;
import org.recallctl.error.ExitCodes;
import org.recallctl.error.RecallctlException;
import org.recallctl.output.Json;
import org.recallctl.output.Log;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Creates the class-data-sharing (AppCDS) archive on the machine that runs recallctl, for its Java and its jar: an
 * archive is only valid for the JVM build and the exact jar that wrote it, so none is shipped. bin/recallctl picks
 * the file (beside the jar when that is writable, else in the user's cache) and runs this once by itself when the
 * archive is missing or older than the jar.
 */
@Command(name = "install-cds", description = {"Create the class-data-sharing archive that halves recallctl's "
        + "start-up, for this Java and this jar. bin/recallctl does it by itself on the first run (and after an "
        + "upgrade); run it after changing Java, or to see where the archive goes.",
        "The training run is a status against closed 127.0.0.1 ports: it talks to no server and reads no config. "
                + "RECALLCTL_CDS_DIR=DIR chooses the directory, RECALLCTL_CDS_DIR=off turns CDS off."})
public class InstallCdsCommand implements Callable<Integer> {
    /** Set by bin/recallctl: where the launcher looks for the archive (or "off"). */
    static final String ARCHIVE_PROPERTY = "recallctl.cds.archive";
    private static final long TRAINING_TIMEOUT_S = 120;

    private final CliContext ctx;
    @Mixin
    CommonOptions common;
    @Mixin
    JsonOption json;
    @Option(names = "--archive", paramLabel = "FILE",
            description = "Write the archive here (default: the file bin/recallctl uses).")
    Path archive;

    InstallCdsCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Log log = common.log(ctx);
        Path target = target();
        Path jar = runningJar();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        long t0 = System.nanoTime();
        int exit = train(java, jar, tmp);
        if (!Files.isRegularFile(tmp) || Files.size(tmp) == 0) {
            Files.deleteIfExists(tmp);
            throw new RecallctlException(ExitCodes.UNEXPECTED, "the training run (" + java + " -jar " + jar
                    + ") exited " + exit + " without writing a class-data-sharing archive; recallctl still works, "
                    + "only its start-up is slower");
        }
        // a rename, so a recallctl starting meanwhile sees the old archive or the new one, never half a file
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long bytes = Files.size(target);
        if (json.enabled()) {
            Json.print(ctx.out(), Json.object().put("archive", target.toString()).put("bytes", bytes)
                    .put("seconds", Math.round(seconds * 10) / 10.0));
        } else {
            ctx.out().printf("class-data-sharing archive: %s (%.1f MB, %.1f s)%n", target, bytes / 1e6, seconds);
            ctx.out().flush();
        }
        log.debug("training run exited %d (4 is expected: nothing listens on the closed ports)", exit);
        return ExitCodes.OK;
    }

    private Path target() {
        if (archive != null) {
            return archive;
        }
        String fromLauncher = System.getProperty(ARCHIVE_PROPERTY);
        if (fromLauncher == null || fromLauncher.isBlank()) {
            throw new ConfigException("install-cds: no archive file given: run it through bin/recallctl (which "
                    + "chooses the file) or pass --archive FILE");
        }
        if ("off".equals(fromLauncher)) {
            throw new ConfigException("install-cds: class data sharing is off (RECALLCTL_CDS_DIR=off, or no "
                    + "writable place beside the jar or in $HOME/.cache): set RECALLCTL_CDS_DIR=DIR or pass --archive FILE");
        }
        return Path.of(fromLauncher);
    }

    private static Path runningJar() {
        try {
            Path p = Path.of(InstallCdsCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(p) && p.toString().endsWith(".jar")) {
                return p;
            }
        } catch (URISyntaxException | SecurityException e) {
            // fall through to the error below
        }
        throw new ConfigException("install-cds: recallctl is not running from its jar; build it (mvn package) and "
                + "run bin/recallctl install-cds");
    }

    /**
     * Loads what a real command loads (picocli, config, JDBC, Jedis, the Milvus SDK and gRPC) by failing to reach
     * three closed loopback ports fast, and dumps those classes at exit. No config file and no RECALLCTL_ variable:
     * the operator's config must neither change the archive nor make the training run talk to a real server.
     */
    private static int train(Path java, Path jar, Path out) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-XX:ArchiveClassesAtExit=" + out,
                "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-jar", jar.toString(), "status", "--json"));
        for (String set : List.of("milvus.write_uri=http://127.0.0.1:9", "milvus.connect_timeout_ms=300",
                "redis.url=redis://127.0.0.1:9", "redis.timeout_ms=300",
                "source.jdbc_url=jdbc:mysql://127.0.0.1:9/recall", "source.connect_timeout_ms=300")) {
            cmd.add("--set");
            cmd.add(set);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("RECALLCTL_"));
        Process p = pb.start();
        try {
            if (!p.waitFor(TRAINING_TIMEOUT_S, TimeUnit.SECONDS)) {
                throw new RecallctlException(ExitCodes.UNEXPECTED, "install-cds: the training run took over "
                        + TRAINING_TIMEOUT_S + " s; stopped it");
            }
            return p.exitValue();
        } finally {
            if (p.isAlive()) { // timed out or interrupted (Ctrl-C): no orphan JVM, no half-written archive
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                Files.deleteIfExists(out);
            }
        }
    }
}
