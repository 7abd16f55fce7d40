package org.recallctl.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private server on a free loopback port that a fault test may stop and start at will (a real milvus-lite or
 * redis-server from the stack's installation, never a fake). Used where a real server cannot produce the fault
 * on demand: "the server went away mid-run".
 */
public final class ServerProcess implements AutoCloseable {
    private final List<String> command;
    private final Path log;
    private final int port;
    private Process process;

    private ServerProcess(List<String> command, int port, Path log) {
        this.command = command;
        this.port = port;
        this.log = log;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A private milvus-lite with its own data directory. */
    public static ServerProcess milvusLite(TestStack stack) {
        try {
            Path data = Files.createTempDirectory("recallctl-milvus-");
            int port = freePort();
            return new ServerProcess(List.of(stack.get("MILVUS_BIN"), "server", "--data-dir", data.toString(),
                    "--host", "127.0.0.1", "--port", Integer.toString(port)), port, data.resolve("server.log")).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A private redis-server without persistence; {@code extraArgs} e.g. "--requirepass", "secret". */
    public static ServerProcess redis(TestStack stack, String... extraArgs) {
        try {
            Path dir = Files.createTempDirectory("recallctl-redis-");
            int port = freePort();
            List<String> cmd = new java.util.ArrayList<>(List.of(stack.get("REDIS_SERVER_BIN"), "--bind", "127.0.0.1",
                    "--port", Integer.toString(port), "--save", "", "--appendonly", "no", "--dir", dir.toString()));
            cmd.addAll(List.of(extraArgs));
            return new ServerProcess(cmd, port, dir.resolve("server.log")).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public ServerProcess start() {
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited at start: " + command + "; see " + log);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return this;
            } catch (IOException notYet) {
                sleep(200);
            }
        }
        throw new IllegalStateException("server did not open port " + port + " within 60 s; see " + log);
    }

    /** Kills the server (SIGKILL: an outage, not a polite shutdown) and waits until it is gone. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Freezes the server (SIGSTOP to it and its children): connections stay open but nothing answers, like a
     * hung node or a long GC pause. Calls then end only by their deadline. {@link #resume()} undoes it.
     */
    public void suspend() {
        signal("-STOP");
    }

    public void resume() {
        signal("-CONT");
    }

    private void signal(String sig) {
        java.util.List<String> cmd = new java.util.ArrayList<>(List.of("kill", sig, Long.toString(process.pid())));
        process.descendants().forEach(d -> cmd.add(Long.toString(d.pid())));
        try {
            new ProcessBuilder(cmd).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
