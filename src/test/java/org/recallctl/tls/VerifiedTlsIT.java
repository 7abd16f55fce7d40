package org.recallctl.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.DependencyException;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.source.MysqlItemSource;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.TestStack;

/**
 * Verified TLS (issue 13 §3) against the stack's MariaDB and its TLS-only redis-server, both with a certificate
 * for "localhost" signed by the CA bin/stack generates: the right CA and name connect over TLS; an unrelated CA
 * or another name for the same server fails with one line naming the endpoint and the certificate problem.
 */
@Tag("integration")
class VerifiedTlsIT {
    private final TestStack stack = TestStack.with("redis-tls");
    @TempDir
    Path dir;

    private String mysqlUrl(String host) {
        return "jdbc:mysql://" + host + ":" + stack.mysqlPort() + "/" + stack.get("MYSQL_DATABASE");
    }

    private Map<String, String> mysqlTls(String host, String ca) {
        return Map.of("source.jdbc_url", mysqlUrl(host), "source.ca_file", ca);
    }

    private Map<String, String> redisTls(String host, String ca) {
        Map<String, String> m = new HashMap<>();
        m.put("redis.url", "rediss://" + host + ":" + stack.get("REDIS_TLS_PORT"));
        m.put("redis.password_file", stack.get("REDIS_TOPOLOGY_PASSWORD_FILE"));
        m.put("redis.ca_file", ca);
        return m;
    }

    @Test
    void mysqlWithTheStacksCaVerifiesTheServerAndTalksTls() throws Exception {
        RecallConfig cfg = stack.load(TestStack.unique("tls"), mysqlTls("localhost", stack.get("TLS_CA_FILE"))).config();
        try (MysqlItemSource source = MysqlItemSource.open(cfg, 1); Connection c = source.connection();
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(2)).as("the session is encrypted").isNotBlank();
        }
    }

    @Test
    void mysqlWithAnUnrelatedCaOrAnotherHostNameFailsNamingTheProblem() {
        RecallConfig wrongCa = stack.load(TestStack.unique("tls"), mysqlTls("localhost", stack.get("TLS_OTHER_CA_FILE")))
                .config();
        assertThatThrownBy(() -> MysqlItemSource.open(wrongCa, 1).close()).isInstanceOf(DependencyException.class)
                .satisfies(e -> assertThat(((DependencyException) e).exitCode()).isEqualTo(4))
                .hasMessageStartingWith("MySQL at localhost:" + stack.mysqlPort() + "/recall: TLS certificate problem")
                .hasMessageContaining("not signed by a trusted CA").hasMessageContaining("check source.ca_file")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        // the same server by its address: the certificate names only "localhost"
        RecallConfig wrongName = stack.load(TestStack.unique("tls"), mysqlTls("127.0.0.1", stack.get("TLS_CA_FILE")))
                .config();
        assertThatThrownBy(() -> MysqlItemSource.open(wrongName, 1).close()).isInstanceOf(DependencyException.class)
                .hasMessageStartingWith("MySQL at 127.0.0.1:" + stack.mysqlPort() + "/recall: TLS certificate problem")
                .hasMessageContaining("not valid for this host name")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    /** The stack's REQUIRE X509 account (MYSQL_X509_USER), with {@code cert}/{@code key} when given. */
    private RecallConfig x509Account(String cert, String key) {
        Map<String, String> m = new HashMap<>(mysqlTls("localhost", stack.get("TLS_CA_FILE")));
        m.put("source.user", stack.get("MYSQL_X509_USER"));
        if (cert != null) {
            m.put("source.client_cert_file", stack.get(cert));
            m.put("source.client_key_file", stack.get(key));
        }
        return stack.load(TestStack.unique("tls"), m).config();
    }

    /**
     * Mutual TLS to MariaDB: an account created REQUIRE X509 logs in only with a client certificate signed by the
     * server's ssl-ca (the stack's CA). Fails when the certificate is not presented (the login is refused) and
     * when a refusal does not name the setting to fix.
     */
    @Test
    void mysqlPresentsTheClientCertificateToAnAccountThatRequiresOne() throws Exception {
        RecallConfig ok = x509Account("TLS_CLIENT_CERT_FILE", "TLS_CLIENT_KEY_FILE");
        Set<Path> storesBefore = identityStores();
        try (MysqlItemSource source = MysqlItemSource.open(ok, 1); Connection c = source.connection();
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT CURRENT_USER()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).startsWith(stack.get("MYSQL_X509_USER") + "@");
            assertThat(identityStores()).as("the key's temporary store while the source is open")
                    .hasSizeGreaterThan(storesBefore.size());
        }
        assertThat(identityStores()).as("the copy of the client key is removed when the source closes")
                .isSubsetOf(storesBefore);
        RecallConfig none = x509Account(null, null);
        assertThatThrownBy(() -> MysqlItemSource.open(none, 1).close()).isInstanceOf(DependencyException.class)
                .hasMessageContaining("refused the login").hasMessageContaining("source.client_cert_file")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    /** The temporary PKCS12 stores holding a client key (PemIdentity.writeStore) in java.io.tmpdir. */
    private static Set<Path> identityStores() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(f -> f.getFileName().toString().startsWith("recallctl-identity-"))
                    .collect(Collectors.toSet());
        }
    }

    @Test
    void mysqlRefusesAClientCertificateFromAnotherCaNamingTheSetting() {
        RecallConfig other = x509Account("TLS_OTHER_CLIENT_CERT_FILE", "TLS_OTHER_CLIENT_KEY_FILE");
        assertThatThrownBy(() -> MysqlItemSource.open(other, 1).close()).isInstanceOf(DependencyException.class)
                .satisfies(e -> assertThat(((DependencyException) e).exitCode()).isEqualTo(4))
                .hasMessageStartingWith("MySQL at localhost:" + stack.mysqlPort() + "/recall: TLS certificate problem")
                .hasMessageContaining("rejected the client certificate")
                .hasMessageContaining("source.client_cert_file (" + stack.get("TLS_OTHER_CLIENT_CERT_FILE") + ")")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void redissWithTheStacksCaVerifiesTheServer() {
        RecallConfig cfg = stack.load(TestStack.unique("tls"), redisTls("localhost", stack.get("TLS_CA_FILE"))).config();
        try (RedisPointerStore store = RedisPointerStore.connect(cfg)) {
            assertThat(store.url()).isEqualTo("rediss://localhost:" + stack.get("REDIS_TLS_PORT"));
            store.setBuilding("over-tls");
            assertThat(store.building()).contains("over-tls");
            store.deleteAll();
        }
    }

    @Test
    void redissWithAnUnrelatedCaTheJvmTrustStoreOrAnotherHostNameFailsNamingTheProblem() {
        String port = stack.get("REDIS_TLS_PORT");
        RecallConfig wrongCa = stack.load(TestStack.unique("tls"), redisTls("localhost", stack.get("TLS_OTHER_CA_FILE")))
                .config();
        assertThatThrownBy(() -> RedisPointerStore.connect(wrongCa)).isInstanceOf(DependencyException.class)
                .hasMessageStartingWith("Redis at rediss://localhost:" + port + ": TLS certificate problem")
                .hasMessageContaining("not signed by a trusted CA").hasMessageContaining("check redis.ca_file");
        RecallConfig jvmTrust = stack.load(TestStack.unique("tls"), redisTls("localhost", "")).config();
        assertThatThrownBy(() -> RedisPointerStore.connect(jvmTrust)).isInstanceOf(DependencyException.class)
                .hasMessageContaining("not signed by a trusted CA").hasMessageContaining("the JVM's trust store");
        RecallConfig wrongName = stack.load(TestStack.unique("tls"), redisTls("127.0.0.1", stack.get("TLS_CA_FILE")))
                .config();
        assertThatThrownBy(() -> RedisPointerStore.connect(wrongName)).isInstanceOf(DependencyException.class)
                .hasMessageStartingWith("Redis at rediss://127.0.0.1:" + port + ": TLS certificate problem")
                .hasMessageContaining("not valid for this host name")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    private Map<String, String> redisClientCertificate(String cert, String key) {
        Map<String, String> m = redisTls("localhost", stack.get("TLS_CA_FILE"));
        m.put("redis.client_cert_file", stack.get(cert));
        m.put("redis.client_key_file", stack.get(key));
        return m;
    }

    /**
     * Mutual TLS to Redis: the stack's TLS redis-server takes client certificates optionally but verifies one it
     * gets (tls-auth-clients optional), so the stack's own is accepted and another CA's refused. Fails when the
     * client certificate is not presented (the refusal would not happen) or when the refusal is blamed on the
     * server's certificate.
     */
    @Test
    void redissPresentsTheClientCertificateAndOneFromAnotherCaIsRefusedNamingIt() {
        RecallConfig ok = stack.load(TestStack.unique("tls"),
                redisClientCertificate("TLS_CLIENT_CERT_FILE", "TLS_CLIENT_KEY_FILE")).config();
        try (RedisPointerStore store = RedisPointerStore.connect(ok)) {
            store.ping();
        }
        RecallConfig other = stack.load(TestStack.unique("tls"),
                redisClientCertificate("TLS_OTHER_CLIENT_CERT_FILE", "TLS_OTHER_CLIENT_KEY_FILE")).config();
        assertThatThrownBy(() -> RedisPointerStore.connect(other)).isInstanceOf(DependencyException.class)
                .hasMessageStartingWith("Redis at rediss://localhost:" + stack.get("REDIS_TLS_PORT")
                        + ": TLS certificate problem")
                .hasMessageContaining("rejected the client certificate")
                .hasMessageContaining("redis.client_cert_file (" + stack.get("TLS_OTHER_CLIENT_CERT_FILE") + ")")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void statusOverVerifiedTlsAndItsOneLineErrorWithTheWrongCa() {
        String name = TestStack.unique("tlsst");
        Map<String, String> ok = new HashMap<>(mysqlTls("localhost", stack.get("TLS_CA_FILE")));
        ok.putAll(redisTls("localhost", stack.get("TLS_CA_FILE")));
        CollectionFixture.seedSource(stack.load(name, ok).config(), 20, 1);
        CliRun good = Cli.run("status", "--config", stack.writeConfigFile(dir, name, ok).toString());
        assertThat(good.exitCode()).as(good.toString()).isZero();

        Map<String, String> bad = new HashMap<>(ok);
        bad.put("redis.ca_file", stack.get("TLS_OTHER_CA_FILE"));
        CliRun failed = Cli.run("status", "--config", stack.writeConfigFile(dir, name + "_bad", bad).toString());
        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(4);
        assertThat(failed.err()).contains("Redis at rediss://localhost:" + stack.get("REDIS_TLS_PORT")
                + ": TLS certificate problem");
    }

    @Test
    void aCaFileThatIsNotACertificateIsAConfigError() throws Exception {
        Path junk = dir.resolve("not-a-ca.pem");
        java.nio.file.Files.writeString(junk, "hello\n");
        RecallConfig cfg = stack.load(TestStack.unique("tls"), redisTls("localhost", junk.toString())).config();
        assertThatThrownBy(() -> RedisPointerStore.connect(cfg))
                .isInstanceOf(org.recallctl.error.ConfigException.class).hasMessageContaining("redis.ca_file")
                .hasMessageContaining("not-a-ca.pem");
    }
}
