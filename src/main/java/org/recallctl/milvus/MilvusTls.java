package org.recallctl.milvus;

import io.milvus.v2.client.ConnectConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.DependencyException;
import org.recallctl.tls.PemIdentity;
import org.recallctl.tls.PemTrust;
import org.recallctl.tls.TlsProbe;
import org.recallctl.tls.TlsProblem;

/**
 * TLS to Milvus: one-way ({@code milvus.tls}, an https URI, {@code milvus.ca_file}) or mutual ({@code
 * milvus.client_cert_file} + {@code client_key_file}, Milvus {@code tlsMode: 2}), and the diagnosis of a failed
 * handshake.
 *
 * <p>Why the SDK's {@code serverPemPath} and not {@code caPemPath}: in milvus-sdk-java 2.6.22
 * {@code ClientUtils.getChannel} reads {@code caPemPath} only together with a client certificate and key
 * (mutual TLS); alone it is ignored and the JVM's trust store is used. {@code serverPemPath} is the file the
 * channel trusts, so it gets our CA file. The host name is verified by gRPC's TLS handler against the URI's host
 * ({@code serverName} is set to it, which that branch requires).
 *
 * <p>Why a probe: the SDK's channel waits for a ready connection, so a certificate it rejects surfaces only as
 * "DEADLINE_EXCEEDED ... waiting_for_connection", the same as a server that is down. When a TLS connect fails that
 * way, one JSSE handshake with the same trust and host-name check says what was wrong with the certificate.
 */
final class MilvusTls {
    private MilvusTls() {
    }

    /** milvus.tls, an https URI, or a CA file (a CA to verify with means TLS, as source.ca_file does for MySQL). */
    static boolean enabled(RecallConfig.Milvus cfg, String uri) {
        return cfg.tls() || uri.startsWith("https") || !cfg.caFile().isEmpty();
    }

    static void configure(ConnectConfig.ConnectConfigBuilder b, RecallConfig.Milvus cfg, String uri) {
        if (!enabled(cfg, uri)) {
            return;
        }
        b.secure(true);
        if (cfg.mutualTls()) {
            // the SDK's two-way branch: taken only without serverPemPath, and it needs all three files
            PemTrust.load(cfg.caFile(), "milvus.ca_file");
            identity(cfg); // a key gRPC cannot read, or not the certificate's, is a config error (exit 2)
            b.caPemPath(cfg.caFile());
            b.clientPemPath(cfg.clientCertFile());
            b.clientKeyPath(cfg.clientKeyFile());
            b.serverName(host(uri));
        } else if (!cfg.caFile().isEmpty()) {
            PemTrust.load(cfg.caFile(), "milvus.ca_file"); // a missing or non-PEM file is a config error (exit 2)
            b.serverPemPath(cfg.caFile());
            b.serverName(host(uri));
        }
    }

    private static PemIdentity identity(RecallConfig.Milvus cfg) {
        return PemIdentity.load(cfg.clientCertFile(), cfg.clientKeyFile(), "milvus.client_cert_file",
                "milvus.client_key_file");
    }

    /**
     * The certificate problem behind a TLS connect that failed as "no answer", or empty when a TLS handshake with
     * the same trust and host name succeeds or the server cannot be reached at all (then "unreachable" is right).
     */
    static Optional<DependencyException> diagnose(RecallConfig.Milvus cfg, String uri, String what, Throwable failure) {
        if (!enabled(cfg, uri)) {
            if (speaksTls(uri, Math.max(500, cfg.connectTimeoutMs()))) {
                return Optional.of(new DependencyException("milvus", "Milvus at " + uri + " answers in TLS (" + what
                        + "), but recallctl spoke plain text; use an https:// URI (or milvus.tls: true) and "
                        + "milvus.ca_file with the CA that signed the server's certificate", failure));
            }
            return Optional.empty();
        }
        Optional<String> problem = handshakeProblem(cfg, uri);
        return problem.map(p -> new DependencyException("milvus", "Milvus at " + uri + ": TLS certificate problem ("
                + what + "): " + p + "; " + TlsProblem.hint(p, "milvus", cfg.caFile(), cfg.clientCertFile(),
                "tls.caPemPath", "the URI"), failure));
    }

    static Optional<String> handshakeProblem(RecallConfig.Milvus cfg, String uri) {
        SSLContext ctx;
        try {
            ctx = cfg.caFile().isEmpty() ? SSLContext.getDefault()
                    : PemTrust.load(cfg.caFile(), "milvus.ca_file").sslContext(cfg.mutualTls() ? identity(cfg) : null);
        } catch (NoSuchAlgorithmException e) {
            return Optional.empty();
        }
        SSLParameters p = PemTrust.verifyingHostName();
        p.setApplicationProtocols(new String[] {"h2"});
        // the HTTP/2 preface follows a good handshake at once: the read returns as soon as nothing is refused
        return TlsProbe.problem(ctx, host(uri), port(uri), Math.max(500, cfg.connectTimeoutMs()), p, cfg.mutualTls());
    }

    /**
     * Whether the server at {@code uri} answers a TLS client hello with a certificate (trusted or not): a plain
     * gRPC client gets no answer from a TLS-only port, which would otherwise read as "unreachable".
     */
    static boolean speaksTls(String uri, int timeoutMs) {
        try (SSLSocket s = (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket()) {
            s.connect(new InetSocketAddress(host(uri), port(uri)), timeoutMs);
            s.setSoTimeout(timeoutMs);
            s.startHandshake();
            return true;
        } catch (javax.net.ssl.SSLHandshakeException e) {
            // the server sent a certificate the default trust store rejects: it does speak TLS
            return TlsProblem.chain(e).stream().anyMatch(c -> c instanceof java.security.cert.CertificateException);
        } catch (IOException | NoSuchAlgorithmException e) {
            return false;
        }
    }

    static String host(String uri) {
        String h = URI.create(uri).getHost();
        return h == null ? "localhost" : h;
    }

    static int port(String uri) {
        int p = URI.create(uri).getPort();
        return p > 0 ? p : 19530;
    }
}
