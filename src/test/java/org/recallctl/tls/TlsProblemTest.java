package org.recallctl.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class TlsProblemTest {
    private static final SSLHandshakeException BAD_CERTIFICATE =
            new SSLHandshakeException("Received fatal alert: bad_certificate");

    @Test
    void aRefusalAlertMeansTheServerWantsACertificateWhenNoneWasSent() {
        assertThat(TlsProblem.of(new IOException("connect", BAD_CERTIFICATE))).hasValue(
                "the server requires a client certificate (mutual TLS) and none was sent (Received fatal alert: "
                        + "bad_certificate)");
        assertThat(TlsProblem.of(new SSLHandshakeException("Received fatal alert: certificate_required")).orElseThrow())
                .startsWith("the server requires a client certificate");
    }

    @Test
    void theSameAlertMeansThisCertificateWasRefusedWhenOneWasSent() {
        assertThat(TlsProblem.of(BAD_CERTIFICATE, true)).hasValue(
                "the server rejected the client certificate (Received fatal alert: bad_certificate)");
        assertThat(TlsProblem.of(new SSLHandshakeException("Received fatal alert: unknown_ca"), true).orElseThrow())
                .startsWith("the server rejected the client certificate");
    }

    @Test
    void notATlsFailureIsEmpty() {
        assertThat(TlsProblem.of(new IOException("Connection refused"))).isEmpty();
    }

    @Test
    void theHintNamesTheClientsOwnSettingForTheProblem() {
        assertThat(TlsProblem.hint("the server requires a client certificate (...)", "redis", "", "", "tls-ca-cert-file",
                "redis.url")).isEqualTo("set redis.client_cert_file and redis.client_key_file to a certificate the "
                + "server trusts");
        assertThat(TlsProblem.hint("the server rejected the client certificate (...)", "milvus", "/ca.pem", "/c.pem",
                "tls.caPemPath", "the URI")).isEqualTo("check that milvus.client_cert_file (/c.pem) is signed by the CA "
                + "the server trusts for clients (its tls.caPemPath)");
        assertThat(TlsProblem.hint("the server's certificate is not signed by a trusted CA (...)", "redis", "", "",
                "tls-ca-cert-file", "redis.url")).isEqualTo("check redis.ca_file (unset: the JVM's trust store) and "
                + "that redis.url uses a host name the certificate names");
    }
}
