package org.recallctl.tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
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
        return attempt(ctx, host, port, timeoutMs, params, clientCertificateSent, plain -> { });
    }

    /**
     * The same for a protocol that starts TLS after {@code preamble} on the same connection (a failing preamble:
     * empty, not TLS). Such servers (MySQL) close the connection the moment they refuse a client certificate,
     * while the client is still writing its own handshake flight: the client then fails on "broken pipe" or
     * "connection reset" and never reads the server's alert. So this probe offers TLS 1.2 first, whose
     * handshake alerts travel in the clear and can be read off the socket after such a failure (TLS 1.3
     * encrypts them); a server that refuses TLS 1.2 gets a second probe with {@code params} as they are.
     */
    public static Optional<String> problem(SSLContext ctx, String host, int port, int timeoutMs, SSLParameters params,
                                           boolean clientCertificateSent, Preamble preamble) {
        SSLParameters tls12 = ctx.getDefaultSSLParameters();
        tls12.setEndpointIdentificationAlgorithm(params.getEndpointIdentificationAlgorithm());
        tls12.setProtocols(new String[] {"TLSv1.2"});
        Optional<String> first = attempt(ctx, host, port, timeoutMs, tls12, clientCertificateSent, preamble);
        if (first.filter(p -> p.contains("protocol_version") || p.contains("No appropriate protocol")).isPresent()) {
            return attempt(ctx, host, port, timeoutMs, params, clientCertificateSent, preamble);
        }
        return first;
    }

    private static Optional<String> attempt(SSLContext ctx, String host, int port, int timeoutMs,
                                            SSLParameters params, boolean clientCertificateSent, Preamble preamble) {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(host, port), timeoutMs);
            plain.setSoTimeout(timeoutMs);
            try {
                preamble.run(plain);
            } catch (IOException e) {
                return Optional.empty();
            }
            // autoClose off: after a failed handshake the plain socket stays open to read an alert from
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, host, port, false);
            try (s) {
                s.setSSLParameters(params);
                s.startHandshake();
                s.getInputStream().read();
                return Optional.empty();
            } catch (SocketTimeoutException e) {
                return Optional.empty(); // handshake done, nothing refused: the certificates are not the problem
            } catch (IOException e) {
                Optional<String> named = TlsProblem.of(e, clientCertificateSent);
                return named.isPresent() ? named : PlaintextAlert.read(plain)
                        .flatMap(alert -> TlsProblem.of(new SSLException(alert), clientCertificateSent));
            }
        } catch (IOException e) {
            return TlsProblem.of(e, clientCertificateSent);
        }
    }
}
