package org.recallctl.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import org.recallctl.error.ConfigException;

/**
 * A client certificate and its private key, from the two PEM files of a mutual-TLS setting
 * ({@code milvus.client_cert_file}/{@code client_key_file}, {@code redis.client_cert_file}/{@code client_key_file}).
 * Loaded when the client is built, so a key the driver cannot read, or a key that is not the certificate's, is a
 * one-line config error (exit 2) instead of a handshake that fails later as "no answer"; and the key managers of
 * the connections and of the handshake probe ({@link TlsProbe}) that explains a failure.
 *
 * <p>Why PKCS#8 only: gRPC's TLS handler (netty) reads an unencrypted PKCS#8 key ({@code BEGIN PRIVATE KEY}); the
 * older {@code BEGIN EC/RSA PRIVATE KEY} forms fail inside the SDK, so they are refused here with the openssl
 * command that converts them.
 */
public final class PemIdentity {
    /** Guards nothing (the store file is private to this user, see writeStore); PKCS12 wants one. */
    private static final String STORE_PASSWORD = "recallctl-identity";
    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private final KeyStore store;

    private PemIdentity(KeyStore store) {
        this.store = store;
    }

    /** {@code certSetting}/{@code keySetting} name the settings in errors. */
    public static PemIdentity load(String certPem, String keyPem, String certSetting, String keySetting) {
        List<Certificate> chain = PemCertificates.read(Path.of(certPem), certSetting, "");
        PrivateKey key = privateKey(Path.of(keyPem), keySetting, chain.get(0).getPublicKey().getAlgorithm());
        if (!matches(key, chain.get(0).getPublicKey())) {
            throw new ConfigException(keySetting + ": " + keyPem + " is not the private key of the certificate in "
                    + certSetting + " (" + certPem + "); give the key the certificate was issued for");
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", key, STORE_PASSWORD.toCharArray(), chain.toArray(new Certificate[0]));
            return new PemIdentity(ks);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot hold the client certificate in memory", e);
        }
    }

    /** Key managers that present this certificate when the server asks for one. */
    public KeyManager[] keyManagers() {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, STORE_PASSWORD.toCharArray());
            return kmf.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build key managers for the client certificate", e);
        }
    }

    /**
     * Writes the certificate and key as a PKCS12 store into a private temporary file (0600, removed when the JVM
     * exits), for a driver that only takes a key store URL (Connector/J); its password is {@link #storePassword}.
     */
    public Path writeStore() {
        return PrivateStoreFile.write(store, STORE_PASSWORD.toCharArray(), "recallctl-identity-", "the client certificate");
    }

    public static String storePassword() {
        return STORE_PASSWORD;
    }

    /** A TLS context that presents this certificate and trusts the JVM's trust store (no CA file given). */
    public javax.net.ssl.SSLContext sslContextWithJvmTrust() {
        try {
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(keyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context", e);
        }
    }

    private static PrivateKey privateKey(Path file, String setting, String algorithm) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ConfigException(setting + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        Matcher m = PKCS8.matcher(text);
        if (!m.find()) {
            String convert = "; convert it with: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out " + file + ".pk8";
            if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
                throw new ConfigException(setting + ": " + file + " is encrypted; recallctl needs an unencrypted "
                        + "PKCS#8 key (protect the file instead: chmod 600)" + convert);
            }
            if (text.matches("(?s).*-----BEGIN (EC|RSA) PRIVATE KEY-----.*")) {
                throw new ConfigException(setting + ": " + file + " holds an old-style (SEC1/PKCS#1) key; gRPC reads "
                        + "PKCS#8 (-----BEGIN PRIVATE KEY-----)" + convert);
            }
            throw new ConfigException(setting + ": " + file + " holds no private key (expected PEM, "
                    + "-----BEGIN PRIVATE KEY-----)");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(m.group(1));
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new ConfigException(setting + ": " + file + " is not a " + algorithm + " private key, the "
                    + "certificate's type (" + e.getMessage() + ")");
        }
    }

    /** Signs a nonce with the key and verifies it with the certificate's public key. */
    private static boolean matches(PrivateKey key, PublicKey pub) {
        String alg = switch (pub.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> null;
        };
        if (alg == null) {
            return true; // another key type (Ed25519, ...): the handshake will tell
        }
        try {
            byte[] nonce = "recallctl client certificate check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(nonce);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(nonce);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
