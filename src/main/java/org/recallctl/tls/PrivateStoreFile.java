package org.recallctl.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

/**
 * A key store written to a temporary file only this user can read (0600) and removed when the JVM exits, for a
 * driver that takes a key store URL instead of an in-memory context (Connector/J's trust and client certificate
 * stores).
 */
final class PrivateStoreFile {
    private PrivateStoreFile() {
    }

    /** {@code what} names the store's origin in the error (e.g. the PEM file it came from). */
    static Path write(KeyStore store, char[] password, String prefix, String what) {
        try {
            Path file = Files.createTempFile(prefix, ".p12",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            file.toFile().deleteOnExit();
            try (OutputStream out = Files.newOutputStream(file)) {
                store.store(out, password);
            }
            return file;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot write a key store for " + what + ": " + e.getMessage(), e);
        }
    }
}
