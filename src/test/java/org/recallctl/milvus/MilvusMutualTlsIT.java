package org.recallctl.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.DependencyException;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.TestStack;

/**
 * Mutual TLS to Milvus: the full engine with {@code common.security.tlsMode: 2} ({@code bin/stack up --milvus full
 * --milvus-mtls}) accepts only clients presenting a certificate its CA signed. With {@code milvus.client_cert_file}
 * and {@code client_key_file} the whole pipeline runs over it; without a certificate, or with one another CA
 * signed, the error is one line naming the endpoint and what is wrong with the client certificate (exit 4), never
 * "unreachable".
 */
@Tag("integration")
@Tag("full-engine")
@Tag("milvus-mtls")
class MilvusMutualTlsIT {
    private final TestStack stack = TestStack.get();
    @TempDir
    Path dir;
    private String port;
    private String name;
    private RecallConfig cfg;

    @BeforeEach
    void engineWithMutualTls() {
        stack.assumeMutualTlsMilvus("MilvusMutualTlsIT");
        port = String.valueOf(stack.milvusPort());
        name = TestStack.unique("mtls");
        cfg = config(Map.of());
    }

    @AfterEach
    void cleanup() {
        if (cfg == null) {
            return;
        }
        CollectionFixture.dropPipeline(cfg, name);
    }

    private Map<String, String> settings(Map<String, String> changes) {
        Map<String, String> o = new HashMap<>(stack.milvusAs(stack.milvusAuth() ? "writer" : "root"));
        o.put("milvus.connect_timeout_ms", "3000");
        o.put("collection.partitions", "2");
        o.putAll(changes);
        return o;
    }

    private RecallConfig config(Map<String, String> changes) {
        return stack.load(name, settings(changes)).config();
    }

    /** Fails when the client certificate does not reach the channel (the SDK's two-way branch is not taken). */
    @Test
    void theRebuildRunsOverMutualTlsWithTheStacksClientCertificate() throws Exception {
        assertThat(cfg.milvus().mutualTls()).isTrue();
        CollectionFixture.seedSource(cfg, 500, 3);
        Path conf = stack.writeConfigFile(Files.createDirectories(dir.resolve("ok")), name, settings(Map.of()));
        CliRun rebuild = Cli.run(Map.of("RECALLCTL_CONFIG", conf.toString()), "rebuild");
        assertThat(rebuild.exitCode()).as(rebuild.toString()).isZero();
        CliRun search = Cli.run(Map.of("RECALLCTL_CONFIG", conf.toString()), "search", "--item-id", "42", "-k", "3");
        assertThat(search.exitCode()).as(search.toString()).isZero();
        assertThat(search.out()).contains("42");
    }

    /** Fails when a missing client certificate reads as "unreachable" (TLS 1.3 refuses it after the handshake). */
    @Test
    void withoutAClientCertificateTheErrorSaysTheServerWantsOne() {
        Map<String, String> none = new HashMap<>();
        none.put("milvus.client_cert_file", "");
        none.put("milvus.client_key_file", "");
        assertThatThrownBy(() -> MilvusGateway.forWrites(config(none).milvus()).close())
                .isInstanceOf(DependencyException.class)
                .satisfies(e -> assertThat(((DependencyException) e).exitCode()).isEqualTo(4))
                .hasMessageStartingWith("Milvus at https://localhost:" + port + ": TLS certificate problem (connect): ")
                .hasMessageContaining("requires a client certificate (mutual TLS) and none was sent")
                .hasMessageContaining("set milvus.client_cert_file and milvus.client_key_file")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("unreachable"));
    }

    /** Fails when a client certificate the server does not trust is blamed on the server's certificate. */
    @Test
    void aClientCertificateFromAnotherCaIsRefusedNamingTheClientCertificate() throws Exception {
        Map<String, String> other = Map.of("milvus.client_cert_file", stack.get("TLS_OTHER_CLIENT_CERT_FILE"),
                "milvus.client_key_file", stack.get("TLS_OTHER_CLIENT_KEY_FILE"));
        assertThatThrownBy(() -> MilvusGateway.forWrites(config(other).milvus()).close())
                .isInstanceOf(DependencyException.class)
                .hasMessageStartingWith("Milvus at https://localhost:" + port + ": TLS certificate problem (connect): ")
                .hasMessageContaining("rejected the client certificate")
                .hasMessageContaining("milvus.client_cert_file (" + stack.get("TLS_OTHER_CLIENT_CERT_FILE") + ")")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));

        Path conf = stack.writeConfigFile(Files.createDirectories(dir.resolve("other")), name, settings(other));
        CliRun status = Cli.run(Map.of("RECALLCTL_CONFIG", conf.toString()), "search", "--random", "1");
        assertThat(status.exitCode()).as(status.toString()).isEqualTo(4);
        assertThat(status.err().lines().filter(l -> l.startsWith("recallctl: error:"))).singleElement()
                .satisfies(l -> assertThat(l).contains("rejected the client certificate"));
    }
}
