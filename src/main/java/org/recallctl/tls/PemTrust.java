package org.recallctl.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * Trust exactly the CA certificates of one PEM file (the {@code *.ca_file} settings), for the clients that want
 * a trust store rather than a PEM path: jedis (an {@link SSLContext}) and Connector/J (a key store file).
 */
public final class PemTrust {
    /** Not a secret: a trust store holds only public certificates, and the file is private to this process. */
    static final String STORE_PASSWORD = "recallctl-trust";
    private final KeyStore store;
    private final Path pem;

    private PemTrust(KeyStore store, Path pem) {
        this.store = store;
        this.pem = pem;
    }

    /** Reads every certificate in {@code pem}; {@code key} names the setting in errors (exit 2). */
    public static PemTrust load(String pem, String key) {
        Path file = Path.of(pem);
        List<Certificate> certs = PemCertificates.read(file, key, "CA file ");
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            return new PemTrust(ks, file);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a trust store in memory", e);
        }
    }

    public Path pem() {
        return pem;
    }

    /** A TLS context that trusts only these CAs. */
    public SSLContext sslContext() {
        return sslContext(null);
    }

    /** The same, presenting {@code identity}'s certificate when the server asks for one (mutual TLS); null: none. */
    public SSLContext sslContext(PemIdentity identity) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(identity == null ? null : identity.keyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context", e);
        }
    }

    /** Host-name verification on: a certificate for another name fails the handshake. */
    public static SSLParameters verifyingHostName() {
        SSLParameters p = new SSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        return p;
    }

    /**
     * Writes these CAs as a PKCS12 trust store into a private temporary file (0600, removed when the JVM exits),
     * for drivers that only take a trust store URL. Its password is {@link #STORE_PASSWORD}.
     */
    public Path writeStore() {
        return PrivateStoreFile.write(store, STORE_PASSWORD.toCharArray(), "recallctl-trust-", pem.toString());
    }

    public static String storePassword() {
        return STORE_PASSWORD;
    }
}
