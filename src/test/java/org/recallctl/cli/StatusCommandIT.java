package org.recallctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.RecallConfig;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.output.Json;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.ServerProcess;
import org.recallctl.testing.TestStack;

@Tag("integration")
class StatusCommandIT {
    private final TestStack stack = TestStack.get();
    @TempDir
    Path dir;

    @Test
    void seededStackStatusAsJsonHasSourceRowsCollectionsAndHealthyEndpoints() throws Exception {
        String name = TestStack.unique("st");
        Path conf = stack.writeConfigFile(dir, name, Map.of("collection.alias", name + "_serving"));
        CliRun seed = Cli.run("demo", "seed", "--config", conf.toString(), "--items", "300");
        assertThat(seed.exitCode()).as(seed.toString()).isZero();
        assertThat(seed.out()).contains("seeded 300 rows");

        RecallConfig cfg = stack.config(name);
        CollectionFixture.build(cfg, name + "_a", 300, "IVF_FLAT", Map.of("nlist", "8"));
        try (RedisPointerStore store = RedisPointerStore.connect(cfg)) {
            store.forceCurrent(name + "_a");
        }
        try (MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            milvus.pointAlias(name + "_serving", name + "_a");
        }

        CliRun r = Cli.run("status", "--config", conf.toString(), "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode doc = Json.mapper().readTree(r.out());
        assertThat(doc.at("/source/rows").asLong()).isEqualTo(300);
        assertThat(doc.at("/pointer/current").asText()).isEqualTo(name + "_a");
        assertThat(doc.at("/keys/current").asText()).isEqualTo("it:{" + name + "}:current");
        JsonNode coll = doc.at("/collections/0");
        assertThat(coll.at("/name").asText()).isEqualTo(name + "_a");
        assertThat(coll.at("/role").asText()).isEqualTo("serving");
        assertThat(coll.at("/rows").asLong()).isEqualTo(300);
        assertThat(coll.at("/partitions").asInt()).isEqualTo(4);
        assertThat(coll.at("/index_type").asText()).isEqualTo("IVF_FLAT");
        // milvus-lite's DescribeIndex returns no build parameters (real Milvus returns nlist): only the shape
        assertThat(coll.get("index_params").isObject()).isTrue();
        assertThat(coll.at("/index_state").asText()).isEqualTo("Finished");
        assertThat(coll.at("/load_state").asText()).isEqualTo("Loaded");
        assertThat(doc.at("/alias/name").asText()).isEqualTo(name + "_serving");
        assertThat(doc.at("/alias/target").asText()).isEqualTo(name + "_a");
        for (JsonNode e : doc.get("endpoints")) {
            assertThat(e.get("ok").asBoolean()).as(e.toString()).isTrue();
        }
        assertThat(doc.get("endpoints")).extracting(e -> e.get("name").asText())
                .containsExactly("redis", "mysql", "milvus-write");

        CliRun table = Cli.run("status", "--config", conf.toString());
        assertThat(table.exitCode()).isZero();
        assertThat(table.out()).contains("serving (key1)").contains(name + "_a").contains("300 rows");

        try (MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            milvus.dropAlias(name + "_serving");
        }
        CliRun mismatch = Cli.run("status", "--config", conf.toString());
        assertThat(mismatch.exitCode()).isEqualTo(4);
        assertThat(mismatch.err()).contains("Milvus alias '" + name + "_serving' points at 'nothing' but key1 names '"
                + name + "_a'");
    }

    @Test
    void pointerToAMissingCollectionIsFlaggedLoudlyWithExitFour() throws Exception {
        String name = TestStack.unique("st");
        Path conf = stack.writeConfigFile(dir, name, Map.of());
        CollectionFixture.seedSource(stack.config(name), 10, 1);
        try (RedisPointerStore store = RedisPointerStore.connect(stack.config(name))) {
            store.forceCurrent(name + "_gone");
        }
        CliRun r = Cli.run("status", "--config", conf.toString());
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.out()).contains(name + "_gone").contains("MISSING").contains("PROBLEMS");
        assertThat(r.err()).contains("recallctl: error: the serving pointer names collection '" + name
                + "_gone', which does NOT exist in Milvus");
    }

    @Test
    void redisDownGivesExitFourAndOneLineNamingRedisWhileTheRestIsStillShown() throws Exception {
        // A stopped server: a free loopback port with nothing listening (a real Redis cannot refuse on demand).
        String name = TestStack.unique("st");
        int closed = ServerProcess.freePort();
        Path conf = stack.writeConfigFile(dir, name, Map.of("redis.url", "redis://127.0.0.1:" + closed,
                "redis.timeout_ms", "500"));
        CollectionFixture.seedSource(stack.config(name), 10, 1);
        CliRun r = Cli.run("status", "--config", conf.toString(), "--json");
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.err().strip().lines()).hasSize(1)
                .first().asString().startsWith("recallctl: error: Redis unreachable at redis://127.0.0.1:" + closed);
        JsonNode doc = Json.mapper().readTree(r.out());
        assertThat(doc.at("/source/rows").asLong()).isEqualTo(10);
        assertThat(doc.at("/endpoints/0/name").asText()).isEqualTo("redis");
        assertThat(doc.at("/endpoints/0/ok").asBoolean()).isFalse();
        assertThat(doc.at("/endpoints/1/ok").asBoolean()).isTrue();
    }
}
