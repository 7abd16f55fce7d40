package org.recallctl.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.recallctl.error.ConfigException;

/** milvus.client_cert_file / client_key_file (mutual TLS): all or nothing, and never without the CA. */
class MilvusTlsConfigTest {
    private static RecallConfig load(String... pairs) {
        return ConfigFromSets.load(pairs);
    }

    @Test
    void aCertificateItsKeyAndTheCaMakeMutualTls() {
        RecallConfig.Milvus m = load("milvus.ca_file", "/etc/milvus/ca.pem", "milvus.client_cert_file",
                "/etc/milvus/client.pem", "milvus.client_key_file", "/etc/milvus/client.key").milvus();
        assertThat(m.mutualTls()).isTrue();
        assertThat(m.clientKeyFile()).isEqualTo("/etc/milvus/client.key");
        assertThat(load().milvus().mutualTls()).isFalse();
    }

    @Test
    void halfAClientCertificateOrOneWithoutTheCaIsRefusedNamingWhatIsMissing() {
        assertThatThrownBy(() -> load("milvus.ca_file", "/ca.pem", "milvus.client_cert_file", "/c.pem"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("milvus.client_cert_file (")
                .hasMessageContaining("milvus.client_key_file is not");
        assertThatThrownBy(() -> load("milvus.ca_file", "/ca.pem", "milvus.client_key_file", "/c.key"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("milvus.client_key_file (")
                .hasMessageContaining("milvus.client_cert_file is not");
        assertThatThrownBy(() -> load("milvus.client_cert_file", "/c.pem", "milvus.client_key_file", "/c.key"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("needs milvus.ca_file too");
    }
}
