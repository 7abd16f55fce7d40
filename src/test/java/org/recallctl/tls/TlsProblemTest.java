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
}
