package org.recallctl.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import javax.net.ssl.X509KeyManager;
import org.junit.jupiter.api.Test;
import org.recallctl.error.ConfigException;

class PemIdentityTest {
    private static String fixture(String name) {
        return Path.of("src/test/resources/tls", name).toString();
    }

    private static PemIdentity load(String cert, String key) {
        return PemIdentity.load(fixture(cert), fixture(key), "milvus.client_cert_file", "milvus.client_key_file");
    }

    @Test
    void aPkcs8KeyAndItsCertificateBecomeKeyManagersThatPresentIt() {
        X509KeyManager km = (X509KeyManager) load("client.crt", "client.key").keyManagers()[0];
        assertThat(km.getCertificateChain("client")[0].getSubjectX500Principal().getName())
                .isEqualTo("CN=recallctl-test-client");
        assertThat(km.getPrivateKey("client").getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void aKeyGrpcCannotReadIsRefusedWithTheCommandThatConvertsIt() {
        assertThatThrownBy(() -> load("client.crt", "client-sec1.key")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("milvus.client_key_file: ").hasMessageContaining("old-style (SEC1/PKCS#1)")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt -in ");
        assertThatThrownBy(() -> load("client.crt", "client-encrypted.key")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("is encrypted").hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
        assertThatThrownBy(() -> load("client.crt", "client.crt")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("holds no private key");
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedNamingBothSettings() {
        assertThatThrownBy(() -> load("client.crt", "other.key")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("milvus.client_key_file: ")
                .hasMessageContaining("is not the private key of the certificate in milvus.client_cert_file");
    }

    @Test
    void aMissingOrNonCertificateFileIsAConfigError() {
        assertThatThrownBy(() -> load("missing.crt", "client.key")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("milvus.client_cert_file: cannot read ");
        assertThatThrownBy(() -> load("client.key", "client.key")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("milvus.client_cert_file: ");
    }
}
