package org.recallctl.tls;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * Recognises a failed TLS handshake anywhere in an exception's causes (drivers wrap it two or three times) and
 * says in a few words what was wrong with the certificate, so the one-line error names the problem instead of
 * "connection failed".
 */
public final class TlsProblem {
    private TlsProblem() {
    }

    /** The certificate problem behind {@code t}, or empty when {@code t} is not a TLS failure. */
    public static Optional<String> of(Throwable t) {
        return of(t, false);
    }

    /**
     * The same, knowing whether the client presented a certificate (mutual TLS): a server's refusal alert then
     * means "not this certificate", otherwise "I want one".
     */
    public static Optional<String> of(Throwable t, boolean clientCertificateSent) {
        Throwable tls = null;
        for (Throwable c : chain(t)) {
            String m = String.valueOf(c.getMessage());
            if (c instanceof SSLException || c instanceof java.security.cert.CertificateException
                    || m.contains("PKIX path") || m.contains("identity check failed")
                    || m.contains("identity verification failed")) {
                tls = c;
                if (describe(m, clientCertificateSent) != null) {
                    return Optional.of(describe(m, clientCertificateSent));
                }
            }
        }
        return tls == null ? Optional.empty() : Optional.of("TLS handshake failed: " + clean(tls.getMessage()));
    }

    /**
     * What to check after {@code problem}, in the client's own settings: {@code PREFIX.client_cert_file} when the
     * server wanted or refused a client certificate ({@code serverClientCa}: the server setting that names the CA
     * it trusts for clients), else {@code PREFIX.ca_file} and the host name in {@code address}.
     */
    public static String hint(String problem, String prefix, String caFile, String clientCertFile,
                              String serverClientCa, String address) {
        if (problem.contains("client certificate")) {
            return clientCertFile.isEmpty()
                    ? "set " + prefix + ".client_cert_file and " + prefix + ".client_key_file to a certificate the server trusts"
                    : "check that " + prefix + ".client_cert_file (" + clientCertFile + ") is signed by the CA the server "
                    + "trusts for clients (its " + serverClientCa + ")";
        }
        return "check " + prefix + ".ca_file (" + (caFile.isEmpty() ? "unset: the JVM's trust store" : caFile)
                + ") and that " + address + " uses a host name the certificate names";
    }

    private static String describe(String m, boolean clientCertificateSent) {
        if (m.contains("PKIX path building failed") || m.contains("unable to find valid certification path")
                || m.contains("does not chain with any of the trust anchors")) {
            return "the server's certificate is not signed by a trusted CA (" + clean(m) + ")";
        }
        if (m.contains("No subject alternative") || m.contains("No name matching") || m.contains("identity check failed")
                || m.contains("identity verification failed") || m.contains("does not match")) {
            return "the server's certificate is not valid for this host name (" + clean(m).replaceAll("\\.$", "") + ")";
        }
        if (m.contains("certificate_expired") || m.contains("validity check failed") || m.contains("NotAfter")) {
            return "the server's certificate has expired (" + clean(m) + ")";
        }
        // alerts a server that asks for a client certificate (mutual TLS) sends: TLS 1.3 says certificate_required
        // when none came, but servers also answer bad_certificate to "none"
        if (m.contains("certificate_required") || m.contains("alert: bad_certificate") || m.contains("alert: unknown_ca")
                || m.contains("alert: certificate_unknown")) {
            return clientCertificateSent ? "the server rejected the client certificate (" + clean(m) + ")"
                    : "the server requires a client certificate (mutual TLS) and none was sent (" + clean(m) + ")";
        }
        if (m.contains("Unsupported or unrecognized SSL message") || m.contains("plaintext connection")) {
            return "the server does not speak TLS on this port (" + clean(m) + ")";
        }
        return null;
    }

    private static String clean(String m) {
        if (m == null) {
            return "no detail";
        }
        // JSSE prefixes its messages with the exception class of a nested cause
        return m.replaceAll("(?:[a-z]+\\.)+[A-Za-z]+Exception: ", "").replaceAll("\\s+", " ").trim();
    }

    /** {@code t}, its causes and their suppressed exceptions (jedis keeps per-address failures there), once each. */
    public static List<Throwable> chain(Throwable t) {
        Deque<Throwable> todo = new ArrayDeque<>();
        Set<Throwable> seen = new HashSet<>();
        List<Throwable> out = new ArrayList<>();
        todo.add(t);
        while (!todo.isEmpty()) {
            Throwable c = todo.poll();
            if (!seen.add(c)) {
                continue;
            }
            out.add(c);
            if (c.getCause() != null) {
                todo.add(c.getCause());
            }
            for (Throwable s : c.getSuppressed()) {
                todo.add(s);
            }
        }
        return out;
    }
}
