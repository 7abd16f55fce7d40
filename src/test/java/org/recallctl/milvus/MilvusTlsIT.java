package org.recallctl.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.ConfigException;
import org.recallctl.error.DependencyException;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.TestStack;

/**
 * Issue 13 §3, Milvus's part: the full engine with server TLS ({@code bin/stack up --milvus full --milvus-tls},
 * Milvus 2.3.5 {@code common.security.tlsMode: 1} with the stack's CA-signed certificate for "localhost"). With
 * {@code milvus.ca_file} the server is verified against that CA and its host name; an unrelated CA, the JVM's
 * trust store, an address the certificate does not name, or plain text to a TLS port are one-line errors
 * naming the endpoint and the problem (exit 4), never "unreachable".
 */
@Tag("integration")
@Tag("full-engine")
@Tag("milvus-secure")
class MilvusTlsIT {
    private final TestStack stack = TestStack.get();
    @TempDir
    Path dir;
    private String port;

    @BeforeEach
    void engineWithTls() {
        stack.assumeSecureMilvus(stack.milvusTls(), "MilvusTlsIT (TLS)");
        port = String.valueOf(stack.milvusPort());
    }

    /** As the stack's writer (when authorization is on too), with {@code changes} over the verified-TLS settings. */
    private RecallConfig config(Map<String, String> changes) {
        Map<String, String> o = new HashMap<>(stack.milvusAs(stack.milvusAuth() ? "writer" : "root"));
        o.put("milvus.connect_timeout_ms", "3000");
        o.putAll(changes);
        return stack.load(TestStack.unique("tls"), o).config();
    }

    /** Fails when milvus.ca_file does not reach the channel (the SDK ignores caPemPath without a client key). */
    @Test
    void theStacksCaVerifiesTheEngineAndItsCertificate() {
        RecallConfig cfg = config(Map.of());
        assertThat(cfg.milvus().writeUri()).isEqualTo("https://localhost:" + port);
        try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus())) {
            assertThat(m.serverVersion()).startsWith("v2.3");
            m.listCollections();
        }
    }

    /** Fails when a TLS failure is reported as "Milvus unreachable ... no answer" again (the handshake probe). */
    @Test
    void anUnrelatedCaTheJvmTrustStoreOrAnotherHostNameFailsNamingTheEndpointAndTheProblem() {
        String ca = stack.get("TLS_CA_FILE");
        assertThatThrownBy(() -> MilvusGateway.forWrites(config(Map.of("milvus.ca_file",
                stack.get("TLS_OTHER_CA_FILE"))).milvus()).close())
                .isInstanceOf(DependencyException.class)
                .satisfies(e -> assertThat(((DependencyException) e).exitCode()).isEqualTo(4))
                .hasMessageStartingWith("Milvus at https://localhost:" + port + ": TLS certificate problem (connect): ")
                .hasMessageContaining("not signed by a trusted CA").hasMessageContaining("check milvus.ca_file")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("unreachable"));
        assertThatThrownBy(() -> MilvusGateway.forWrites(config(Map.of("milvus.ca_file", "")).milvus()).close())
                .isInstanceOf(DependencyException.class)
                .hasMessageContaining("not signed by a trusted CA").hasMessageContaining("the JVM's trust store");
        // the same engine by its address: the certificate names only "localhost"
        assertThatThrownBy(() -> MilvusGateway.forWrites(config(Map.of("milvus.write_uri", "https://127.0.0.1:" + port,
                "milvus.ca_file", ca)).milvus()).close())
                .isInstanceOf(DependencyException.class)
                .hasMessageStartingWith("Milvus at https://127.0.0.1:" + port + ": TLS certificate problem")
                .hasMessageContaining("not valid for this host name")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    /** Fails when plain text to a TLS-only engine is "unreachable" (it answers, in TLS). */
    @Test
    void plainTextToTheTlsEngineSaysItSpeaksTls() {
        Map<String, String> plain = new HashMap<>();
        plain.put("milvus.write_uri", "http://127.0.0.1:" + port);
        plain.put("milvus.ca_file", "");
        assertThatThrownBy(() -> MilvusGateway.forWrites(config(plain).milvus()).close())
                .isInstanceOf(DependencyException.class)
                .hasMessageStartingWith("Milvus at http://127.0.0.1:" + port + " answers in TLS")
                .hasMessageContaining("https://")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    /** The CLI end to end: status over verified TLS, then its one-line error with the unrelated CA (exit 4). */
    @Test
    void statusOverVerifiedTlsAndItsOneLineErrorWithAnUnrelatedCa() throws Exception {
        String name = TestStack.unique("tlsst");
        Map<String, String> ok = new HashMap<>(stack.milvusAs(stack.milvusAuth() ? "writer" : "root"));
        Path good = stack.writeConfigFile(Files.createDirectories(dir.resolve("good")), name, ok);
        CliRun status = Cli.run(Map.of("RECALLCTL_CONFIG", good.toString()), "status");
        assertThat(status.out()).containsPattern("milvus-write +https://localhost:" + port + " +ok, server v2\\.3");

        Map<String, String> bad = new HashMap<>(ok);
        bad.put("milvus.ca_file", stack.get("TLS_OTHER_CA_FILE"));
        Path badConf = stack.writeConfigFile(Files.createDirectories(dir.resolve("bad")), name, bad);
        CliRun failed = Cli.run(Map.of("RECALLCTL_CONFIG", badConf.toString()), "search", "--random", "1");
        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(4);
        assertThat(failed.err().lines().filter(l -> l.startsWith("recallctl: error:"))).singleElement()
                .satisfies(l -> assertThat(l).contains("Milvus at https://localhost:" + port
                        + ": TLS certificate problem").contains("not signed by a trusted CA"));
    }

    @Test
    void aCaFileThatIsNotACertificateIsAConfigError() throws Exception {
        Path junk = dir.resolve("not-a-ca.pem");
        Files.writeString(junk, "hello\n");
        assertThatThrownBy(() -> MilvusGateway.forWrites(config(Map.of("milvus.ca_file", junk.toString())).milvus()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("milvus.ca_file");
    }
}
