package org.recallctl.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.Map;
import java.util.Optional;

/**
 * A TLS alert record sent in the clear (TLS 1.2 and earlier, before ChangeCipherSpec) that the client's TLS
 * engine did not read because a write failed first, read straight off the socket. Only what a certificate
 * refusal sends is named; the text is JSSE's own ("Received fatal alert: unknown_ca"), so {@link TlsProblem}
 * reads it like any other.
 */
final class PlaintextAlert {
    private static final int ALERT = 21;
    private static final Map<Integer, String> NAMES = Map.of(40, "handshake_failure", 42, "bad_certificate",
            43, "unsupported_certificate", 44, "certificate_revoked", 45, "certificate_expired",
            46, "certificate_unknown", 48, "unknown_ca", 49, "access_denied", 116, "certificate_required");

    private PlaintextAlert() {
    }

    /** The first record waiting on {@code plain}, when it is an alert: "Received fatal alert: NAME". */
    static Optional<String> read(Socket plain) {
        try {
            InputStream in = plain.getInputStream();
            byte[] r = in.readNBytes(7); // type, version (2), length (2) = 2, level, description
            if (r.length < 7 || r[0] != ALERT || r[1] != 3 || r[3] != 0 || r[4] != 2) {
                return Optional.empty();
            }
            String name = NAMES.getOrDefault(r[6] & 0xff, "alert " + (r[6] & 0xff));
            return Optional.of("Received " + (r[5] == 2 ? "fatal" : "warning") + " alert: " + name);
        } catch (IOException e) {
            return Optional.empty(); // nothing left to read: no alert came
        }
    }
}
