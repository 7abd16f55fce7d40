package org.recallctl.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP forwarder in front of a real server, for a fault the server cannot produce on demand: after
 * {@code hangAfterBytes} bytes from the clients it stops forwarding in both directions but keeps every socket
 * open, so the server looks hung (requests wait until their deadline) rather than gone. Not a fake: every byte
 * before that is the real server's. {@link #cutOnServerReply} instead makes it look gone, as a server process that
 * died: every connection dropped, new ones refused.
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int upstreamPort;
    private final long hangAfterBytes;
    private final AtomicLong upstreamBytes = new AtomicLong();
    private final CountDownLatch released = new CountDownLatch(1);
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong serverBytes = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean cutArmed = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile long cutAfterServerBytes = Long.MAX_VALUE;
    private volatile long cutDelayMs;
    private volatile boolean hung;
    private volatile boolean cut;

    public TcpProxy(int upstreamPort, long hangAfterBytes) throws IOException {
        this.upstreamPort = upstreamPort;
        this.hangAfterBytes = hangAfterBytes;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "tcp-proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Whether the proxy has stopped forwarding. */
    public boolean hung() {
        return hung;
    }

    /**
     * Arms a cut: when the server next sends anything (the reply to the request the caller is about to make),
     * that reply is delivered, and {@code delayMs} later every connection is dropped and the port refuses new ones.
     */
    public void cutOnServerReply(long delayMs) {
        cutDelayMs = delayMs;
        cutAfterServerBytes = serverBytes.get();
        cutArmed.set(true);
    }

    /** Whether the armed cut has happened. */
    public boolean wasCut() {
        return cut;
    }

    private void cutLater() {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(cutDelayMs);
                cut = true;
                listener.close();
                for (Socket s : sockets) {
                    s.close();
                }
            } catch (IOException | InterruptedException e) {
                // closing is all it does
            }
        }, "tcp-proxy-cut");
        t.setDaemon(true);
        t.start();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 5000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                pump(client, server, true);
                pump(server, client, false);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean upstream) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (upstream && upstreamBytes.addAndGet(n) > hangAfterBytes) {
                        hung = true;
                    }
                    if (hung) {
                        released.await(); // hold the bytes and the socket: a hung server
                        return;
                    }
                    out.write(buf, 0, n);
                    out.flush();
                    if (!upstream && serverBytes.addAndGet(n) > cutAfterServerBytes && cutArmed.compareAndSet(true, false)) {
                        cutLater();
                    }
                }
            } catch (IOException | InterruptedException e) {
                // closed
            }
        }, "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        released.countDown();
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
