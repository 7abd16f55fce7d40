package org.recallctl.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import org.recallctl.error.ConfigException;

/** The certificates of one PEM file, read for a setting ({@code key}) that is named in every error (exit 2). */
final class PemCertificates {
    private PemCertificates() {
    }

    /** {@code kind} names the file in "cannot read" errors, e.g. "CA file " (or "" for a plain "cannot read FILE"). */
    static List<Certificate> read(Path file, String key, String kind) {
        List<Certificate> certs;
        try (InputStream in = Files.newInputStream(file)) {
            certs = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
        } catch (IOException e) {
            throw new ConfigException(key + ": cannot read " + kind + file + " (" + e.getClass().getSimpleName() + ")");
        } catch (GeneralSecurityException e) {
            throw new ConfigException(key + ": " + file + " is not a PEM certificate file (" + e.getMessage() + ")");
        }
        if (certs.isEmpty()) {
            throw new ConfigException(key + ": " + file + " holds no certificate (expected PEM, -----BEGIN CERTIFICATE-----)");
        }
        return certs;
    }
}
