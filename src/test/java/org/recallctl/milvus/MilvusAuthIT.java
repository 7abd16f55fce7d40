package org.recallctl.milvus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.RecallConfig;
import org.recallctl.output.Json;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.TestStack;

/**
 * Issue 13 §2 (and issue 10 §3's permission case) on the full engine with authorization on
 * ({@code bin/stack up --milvus full --milvus-auth [--milvus-tls]}): the users bin/stack creates hold exactly the
 * roles the README's privileges table lists (bin/milvus-rbac). A wrong or missing token is "Milvus refused the
 * token" (exit 4, never "unreachable"); the read-only user can search and bench but its rebuild stops at the
 * first write, before a row is streamed, with key1 untouched; a user without the alias privileges gets a switched
 * run with a warning; a permission error reading the alias refuses before the compare-and-set.
 */
@Tag("integration")
@Tag("full-engine")
@Tag("milvus-secure")
class MilvusAuthIT {
    private final TestStack stack = TestStack.get();
    @TempDir
    Path dir;
    private String name;
    private RecallConfig root;

    @BeforeEach
    void engineWithAuthorization() {
        stack.assumeSecureMilvus(stack.milvusAuth(), "MilvusAuthIT (authorization)");
        name = TestStack.unique("auth");
        root = stack.load(name, stack.milvusAs("root")).config();
        CollectionFixture.seedSource(root, 2000, 7);
    }

    @AfterEach
    void cleanup() {
        if (root == null) {
            return;
        }
        try (MilvusGateway m = MilvusGateway.forWrites(root.milvus()); RedisPointerStore r = RedisPointerStore.connect(root)) {
            String alias = name + "_serving";
            if (m.aliasTarget(alias).isPresent()) {
                m.dropAlias(alias);
            }
            for (String c : m.listCollections()) {
                if (c.startsWith(name)) {
                    m.dropCollection(c);
                }
            }
            r.deleteAll();
        } catch (RuntimeException ignored) {
            // best effort
        }
    }

    /** A config file for this test's pipeline as one of the stack's users, plus {@code extra}. */
    private Path configAs(String user, Map<String, String> extra) {
        Map<String, String> o = new HashMap<>(stack.milvusAs(user));
        o.put("collection.partitions", "2");
        o.putAll(extra);
        try {
            return stack.writeConfigFile(Files.createDirectories(dir.resolve(user + extra.hashCode())), name, o);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private CliRun as(String user, Map<String, String> extra, String... args) {
        return Cli.run(Map.of("RECALLCTL_CONFIG", configAs(user, extra).toString()), args);
    }

    private Optional<String> key1() {
        try (RedisPointerStore p = RedisPointerStore.connect(root)) {
            return p.current();
        }
    }

    private List<String> collectionsOfThisPipeline() {
        try (MilvusGateway m = MilvusGateway.forWrites(root.milvus())) {
            return m.listCollections().stream().filter(c -> c.startsWith(name)).sorted().toList();
        }
    }

    /** Fails when an UNAUTHENTICATED answer is reported as a generic failure or as "unreachable" again. */
    @Test
    void aWrongOrMissingTokenExitsFourWithMilvusRefusedTheToken() {
        String secret = stack.milvusToken("writer").split(":")[0] + ":Wr0ngPassw0rdXyz";
        CliRun bad = Cli.run(Map.of("RECALLCTL_CONFIG", configAs("writer", Map.of("milvus.token_file", "")).toString(),
                "RECALLCTL_MILVUS_TOKEN", secret), "rebuild");
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(4);
        assertThat(bad.err()).contains("Milvus refused the token at " + stack.milvusUri() + " (connect)")
                .contains("check milvus.token").doesNotContain("unreachable").doesNotContain("Wr0ngPassw0rdXyz");
        assertThat(bad.err().lines().filter(l -> l.startsWith("recallctl: error:"))).singleElement()
                .satisfies(l -> assertThat(l).contains("Milvus refused the token"));

        CliRun none = as("writer", Map.of("milvus.token_file", ""), "search", "--random", "1");
        assertThat(none.exitCode()).as(none.toString()).isEqualTo(4);
        assertThat(none.err()).contains("Milvus refused the token at " + stack.milvusUri()).doesNotContain("unreachable");
        assertThat(key1()).isEmpty();
        assertThat(collectionsOfThisPipeline()).isEmpty();
    }

    /**
     * milvus.read_token: the writer's token builds, the read endpoint sends the reader's. A rebuild with the
     * reader's token for reads passes (its warm-up, gate and probe queries are reads; were the reader's token sent
     * for the writes, CreateCollection would be denied), and a wrong read token fails the search naming
     * milvus.read_token, not milvus.token. Fails when forReads sends milvus.token, or forWrites the read token.
     */
    @Test
    void theReadTokenIsWhatTheReadEndpointSendsAndWritesKeepTheWriterToken() {
        String reader = stack.milvusToken("reader");
        CliRun built = as("writer", Map.of("milvus.read_token", reader), "rebuild");
        assertThat(built.exitCode()).as(built.toString()).isZero();
        assertThat(key1()).isPresent();

        String wrong = reader.split(":")[0] + ":Wr0ngPassw0rdXyz";
        CliRun search = as("writer", Map.of("milvus.read_token", wrong), "search", "--random", "1");
        assertThat(search.exitCode()).as(search.toString()).isEqualTo(4);
        assertThat(search.err()).contains("Milvus refused the token at " + stack.milvusUri())
                .contains("check milvus.read_token / RECALLCTL_MILVUS_READ_TOKEN").doesNotContain("Wr0ngPassw0rdXyz");
        CliRun asWriter = as("writer", Map.of(), "search", "--random", "1");
        assertThat(asWriter.exitCode()).as("the same search with milvus.token: " + asWriter).isZero();
    }

    /**
     * The writer rebuilds; the read-only user searches and benches (no error in any bench row: bench itself exits 0
     * with failed queries, so the rows are what proves it), and its rebuild fails at the first write (create
     * collection) with the missing privilege named, exit 4, key1 and the collections as they were.
     * Fails when the read role lacks a privilege search or bench needs (ListAliases, Load, GetStatistics...), or
     * when PERMISSION_DENIED is not translated into the privilege line.
     */
    @Test
    void aReadOnlyUserSearchesAndBenchesButItsRebuildFailsBeforeBuilding() throws Exception {
        CliRun built = as("writer", Map.of(), "rebuild");
        assertThat(built.exitCode()).as(built.toString()).isZero();
        String serving = key1().orElseThrow();
        int itemId = 42;

        CliRun search = as("reader", Map.of(), "search", "--json", "--item-id", String.valueOf(itemId), "-k", "5");
        assertThat(search.exitCode()).as(search.toString()).isZero();
        JsonNode hits = Json.mapper().readTree(search.out()).at("/queries/0/hits");
        assertThat(hits).hasSize(5);
        assertThat(hits.get(0).get("item_id").asInt()).isEqualTo(itemId);

        CliRun bench = as("reader", Map.of(), "bench", "--json", "-q", "--queries", "20", "--warmup", "1",
                "--cache-dir", dir.resolve("cache").toString(), "--out", dir.resolve("bench").toString());
        assertThat(bench.exitCode()).as(bench.toString()).isZero();
        JsonNode rows = Json.mapper().readTree(bench.out()).get("results");
        assertThat(rows).isNotEmpty();
        for (JsonNode r : rows) {
            assertThat(r.get("errors").asLong()).as(r.toString()).isZero();
            assertThat(r.get("mean_recall").asDouble()).as(r.toString()).isGreaterThan(0.5);
        }

        Path report = dir.resolve("reader-rebuild.json");
        CliRun rebuild = as("reader", Map.of(), "rebuild", "--report", report.toString());
        assertThat(rebuild.exitCode()).as(rebuild.toString()).isEqualTo(4);
        assertThat(rebuild.err()).contains("Milvus at " + stack.milvusUri() + " refused to create collection " + name + "_")
                .contains("user recallctl_reader lacks the privilege CreateCollection (PERMISSION_DENIED)");
        JsonNode r = Json.mapper().readTree(Files.readString(report));
        assertThat(r.get("exit_code").asInt()).isEqualTo(4);
        JsonNode build = null;
        for (JsonNode s : r.get("steps")) {
            if ("build".equals(s.get("name").asText())) {
                build = s;
            }
            assertThat(s.get("name").asText()).as("nothing after the build ran").isNotIn("warmup", "check_built", "switch");
        }
        assertThat(build).as(r.toString()).isNotNull();
        assertThat(build.get("status").asText()).isEqualTo("failed");
        assertThat(r.at("/counts/written").asLong(0)).as("no row was written").isZero();
        assertThat(key1()).contains(serving);
        assertThat(collectionsOfThisPipeline()).containsExactly(serving);
        try (RedisPointerStore p = RedisPointerStore.connect(root)) {
            assertThat(p.building()).as("key2 cleared").isEmpty();
        }
    }

    /**
     * Issue 10 §3 with a real permission error: the user holds the write role without CreateAlias
     * (it may still read aliases, so the pre-check passes). Moving the alias after the compare-and-set is refused:
     * the run is switched (exit 0, key1 moved), and the refusal is a warning on stdout and in the report; the
     * alias is not there. Fails when an alias failure after the CAS is an error again (exit 4 while key1 moved).
     */
    @Test
    void anAliasMoveRefusedForPermissionAfterTheSwitchIsAWarningAndTheRunIsSwitched() throws Exception {
        String alias = name + "_serving";
        Path report = dir.resolve("noalias.json");
        CliRun run = as("noalias", Map.of("collection.alias", alias), "rebuild", "--report", report.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        String serving = key1().orElseThrow();
        assertThat(serving).startsWith(name + "_");
        assertThat(run.err()).contains("warning: the alias " + alias + " could not be moved to " + serving)
                .contains("lacks the privilege CreateAlias");
        JsonNode r = Json.mapper().readTree(Files.readString(report));
        assertThat(r.get("exit_code").asInt()).isZero();
        assertThat(r.get("warnings")).singleElement().satisfies(w -> assertThat(w.asText())
                .contains(alias).contains("lacks the privilege CreateAlias").contains("switch --to " + serving));
        try (MilvusGateway m = MilvusGateway.forWrites(root.milvus())) {
            assertThat(m.aliasTarget(alias)).as("the alias was not created").isEmpty();
        }
    }

    /**
     * Issue 10 §3: "an auth or permission error while reading an alias is an error, never 'no alias'". The
     * read-only role cannot describe aliases; its switch --to refuses before the compare-and-set (exit 4, key1
     * unchanged). Fails when a refused alias read counts as "no alias" (the switch would then move key1).
     */
    @Test
    void aPermissionErrorReadingTheAliasRefusesBeforeTheSwitch() {
        String alias = name + "_serving";
        CliRun first = as("writer", Map.of("collection.alias", alias), "rebuild");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        String serving = key1().orElseThrow();
        CliRun build = as("writer", Map.of("collection.alias", alias), "build");
        assertThat(build.exitCode()).as(build.toString()).isZero();
        String other = collectionsOfThisPipeline().stream().filter(c -> !c.equals(serving)).findFirst().orElseThrow();
        CliRun warm = as("writer", Map.of(), "warmup", "--collection", other); // build alone leaves it released
        assertThat(warm.exitCode()).as(warm.toString()).isZero();
        // --skip-gate: switch --to gates first, and the gate's spot-check needs Query, which the read-only role
        // lacks; the alias read is what this test is about
        CliRun sw = as("reader", Map.of("collection.alias", alias), "switch", "--to", other, "--skip-gate");
        assertThat(sw.exitCode()).as(sw.toString()).isEqualTo(4);
        assertThat(sw.err()).contains("refused to describe alias " + alias)
                .contains("user recallctl_reader lacks the privilege DescribeAlias");
        assertThat(key1()).contains(serving);
        try (MilvusGateway m = MilvusGateway.forWrites(root.milvus())) {
            assertThat(m.aliasTarget(alias)).contains(serving);
        }
    }
}
