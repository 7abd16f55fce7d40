package org.recallctl.tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One TLS handshake with a client's own trust and certificate, to say what a failed connection could not: the
 * drivers report a refused certificate as "no answer" (gRPC) or "broken pipe" (jedis and Connector/J write their
 * first request before they read the server's alert).
 */
public final class TlsProbe {
    private TlsProbe() {
    }

    /** A protocol's plain-text exchange before TLS starts on the same socket (MySQL's SSLRequest). */
    @FunctionalInterface
    public interface Preamble {
        void run(Socket plain) throws IOException;
    }

    /**
     * The certificate problem at {@code host:port}, or empty when the handshake succeeds and nothing is refused
     * within {@code timeoutMs} (or the server cannot be reached: then "unreachable" is right). After the handshake
     * it reads once: with TLS 1.3 a server that refuses the client certificate (or wants one) says so only then.
     */
    public static Optional<String> problem(SSLContext ctx, String host, int port, int timeoutMs, SSLParameters params,
                                           boolean clientCertificateSent) {
        return problem(ctx, host, port, timeoutMs, params, clientCertificateSent, plain -> { });
    }

    /** The same for a protocol that starts TLS after {@code preamble} (a failing preamble: empty, not TLS). */
    public static Optional<String> problem(SSLContext ctx, String host, int port, int timeoutMs, SSLParameters params,
                                           boolean clientCertificateSent, Preamble preamble) {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(host, port), timeoutMs);
            plain.setSoTimeout(timeoutMs);
            try {
                preamble.run(plain);
            } catch (IOException e) {
                return Optional.empty();
            }
            try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, host, port, true)) {
                s.setSSLParameters(params);
                s.startHandshake();
                s.getInputStream().read();
                return Optional.empty();
            }
        } catch (SocketTimeoutException e) {
            return Optional.empty(); // handshake done, nothing refused: the certificates are not the problem
        } catch (IOException e) {
            return TlsProblem.of(e, clientCertificateSent);
        }
    }
}
