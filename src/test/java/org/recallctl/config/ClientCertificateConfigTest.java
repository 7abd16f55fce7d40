package org.recallctl.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.recallctl.error.ConfigException;

/**
 * The client certificates of mutual TLS: milvus.client_cert_file / client_key_file (all or nothing, and never
 * without the CA), redis.client_cert_file / client_key_file (a pair, over TLS) and source.client_cert_file /
 * client_key_file (a pair, with source.ca_file, and not twice).
 */
class ClientCertificateConfigTest {
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

    @Test
    void redisTakesAPairOverTlsWithTheCaOptional() {
        RecallConfig.Redis r = load("redis.url", "rediss://cache.internal:6380/0", "redis.client_cert_file", "/c.pem",
                "redis.client_key_file", "/c.key").redis();
        assertThat(r.mutualTls()).isTrue();
        assertThat(load().redis().mutualTls()).isFalse();
        assertThatThrownBy(() -> load("redis.url", "rediss://cache.internal:6380/0", "redis.client_key_file", "/c.key"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("redis.client_key_file (")
                .hasMessageContaining("redis.client_cert_file is not");
        assertThatThrownBy(() -> load("redis.client_cert_file", "/c.pem", "redis.client_key_file", "/c.key"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("redis.client_cert_file (")
                .hasMessageContaining("not TLS").hasMessageContaining("rediss://");
    }

    @Test
    void theDatabaseClientCertificateComesWithItsKeyAndTheCaAndOnlyOnce() {
        RecallConfig.Source ok = load("source.ca_file", "/ca.pem", "source.client_cert_file", "/c.pem",
                "source.client_key_file", "/c.key").source();
        assertThat(ok.mutualTls()).isTrue();
        assertThat(ok.clientKeyFile()).isEqualTo("/c.key");
        assertThat(load().source().mutualTls()).isFalse();
        assertThatThrownBy(() -> load("source.ca_file", "/ca.pem", "source.client_cert_file", "/c.pem"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("source.client_cert_file (")
                .hasMessageContaining("source.client_key_file is not");
        assertThatThrownBy(() -> load("source.client_cert_file", "/c.pem", "source.client_key_file", "/c.key"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("source.client_cert_file (")
                .hasMessageContaining("needs source.ca_file");
        assertThatThrownBy(() -> load("source.jdbc_url",
                "jdbc:mysql://db:3306/recall?clientCertificateKeyStoreUrl=file:/k.p12", "source.ca_file", "/ca.pem",
                "source.client_cert_file", "/c.pem", "source.client_key_file", "/c.key"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("keep one");
    }
}
