package org.recallctl.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.recallctl.config.RecallConfig;
import org.recallctl.testing.TestStack;
import org.recallctl.tls.PemIdentity;
import org.recallctl.tls.PemTrust;

/**
 * The probe that names a refused client certificate, against the stack's MariaDB (REQUIRE X509 account, a
 * certificate from another CA). The server closes while the client still writes its certificate flight, so a
 * probe that reads only through the TLS engine named the refusal 2 times in 6 with TLS 1.3 and 0 in 8 with TLS
 * 1.2 (measured here 2026-12-03); twenty probes in a row must all name it. Fails if the alert is not read off
 * the socket.
 */
@Tag("integration")
class MysqlTlsProbeIT {
    private final TestStack stack = TestStack.with("redis-tls");

    private RecallConfig.Source source(String cert, String key) {
        Map<String, String> m = new HashMap<>();
        m.put("source.jdbc_url", "jdbc:mysql://localhost:" + stack.mysqlPort() + "/" + stack.get("MYSQL_DATABASE"));
        m.put("source.user", stack.get("MYSQL_X509_USER"));
        m.put("source.ca_file", stack.get("TLS_CA_FILE"));
        m.put("source.client_cert_file", stack.get(cert));
        m.put("source.client_key_file", stack.get(key));
        return stack.load(TestStack.unique("probe"), m).config().source();
    }

    /** What MysqlItemSource.open gives the probe: the source's CA, presenting its client certificate. */
    private static SSLContext context(RecallConfig.Source s) {
        return PemTrust.load(s.caFile(), "source.ca_file").sslContext(PemIdentity.load(s.clientCertFile(),
                s.clientKeyFile(), "source.client_cert_file", "source.client_key_file"));
    }

    @Test
    void aRefusedCertificateIsNamedEveryTime() {
        RecallConfig.Source other = source("TLS_OTHER_CLIENT_CERT_FILE", "TLS_OTHER_CLIENT_KEY_FILE");
        for (int i = 0; i < 20; i++) {
            assertThat(MysqlTlsProbe.problem(other, context(other))).as("probe %d", i)
                    .hasValueSatisfying(p -> assertThat(p).startsWith("the server rejected the client certificate"));
        }
    }

    @Test
    void anAcceptedCertificateIsNoProblem() {
        RecallConfig.Source own = source("TLS_CLIENT_CERT_FILE", "TLS_CLIENT_KEY_FILE");
        assertThat(MysqlTlsProbe.problem(own, context(own))).isEmpty();
    }
}
