package org.recallctl.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/recallctl} as a real process, for what only a real signal shows (shutdown hooks on Ctrl-C).
 * Under bin/test, Maven runs as a background job of a non-interactive shell, which sets SIGINT to "ignore";
 * that disposition is inherited down to here and would make the JVM deaf to Ctrl-C. A terminal's foreground
 * recallctl has the default disposition, so it is restored before exec (bash cannot, python can).
 */
public final class LaunchedCli implements AutoCloseable {
    private final Process process;
    private final Path err;

    private LaunchedCli(Process process, Path err) {
        this.process = process;
        this.err = err;
    }

    /** Starts {@code bin/recallctl args...}, stdout and stderr into files in {@code dir}. */
    public static LaunchedCli start(Path dir, String... args) throws IOException {
        String project = System.getenv().getOrDefault("RECALLCTL_PROJECT_DIR", Path.of("").toAbsolutePath().toString());
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", "import os, signal, sys; "
                + "signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])",
                project + "/bin/recallctl"));
        cmd.addAll(List.of(args));
        Path err = dir.resolve("launched-" + System.nanoTime() + ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd);
        String jar = System.getProperty("recallctl.jar");
        if (jar != null && Files.isRegularFile(Path.of(jar))) {
            pb.environment().put("RECALLCTL_JAR", jar); // the jar of this build, wherever -Dbuild.dir put it
        }
        Process p = pb.redirectOutput(dir.resolve("launched-" + System.nanoTime() + ".out").toFile())
                .redirectError(err.toFile()).start();
        return new LaunchedCli(p, err);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String stderr() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }

    /** Waits up to {@code seconds} for stderr to contain {@code text}; false if it did not, or the process ended. */
    public boolean awaitStderr(String text, int seconds) throws IOException, InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < until && process.isAlive()) {
            if (stderr().contains(text)) {
                return true;
            }
            Thread.sleep(100);
        }
        return stderr().contains(text);
    }

    /** Ctrl-C: SIGINT to the JVM (the launcher execs it, so the pid is the JVM's). */
    public void interrupt() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
    }

    public long pid() {
        return process.pid();
    }

    /** kill -9: what an OOM killer or a power cut does; no hook runs, the lock is left to expire. */
    public void kill() throws IOException, InterruptedException {
        signal("KILL");
    }

    /** SIGSTOP: the process freezes (a long GC pause, a suspended VM) while its lock runs out. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
    }

    /** Waits for the exit; -1 if still running after {@code seconds}. */
    public int waitFor(int seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
