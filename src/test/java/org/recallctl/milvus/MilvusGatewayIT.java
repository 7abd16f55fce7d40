package org.recallctl.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.DependencyException;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.ServerProcess;
import org.recallctl.testing.TcpProxy;
import org.recallctl.testing.TestStack;

@Tag("integration")
class MilvusGatewayIT {
    private final TestStack stack = TestStack.get();

    @Test
    @Tag("full-engine") // runs on milvus-lite and, in bin/test's second phase, on the real engine
    void createsDescribesAndAliasesACollectionWithPartitions() {
        String name = TestStack.unique("gw");
        RecallConfig cfg = stack.config(name);
        String collection = name + "_a";
        String alias = name + "_serving";
        try (MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            milvus.createCollection(CollectionSpec.from(collection, cfg));
            CollectionInfo info = milvus.describe(collection);
            assertThat(info.partitions()).containsExactlyInAnyOrder("p0", "p1", "p2", "p3");
            assertThat(info.dimension()).isEqualTo(128);
            assertThat(info.rows()).isZero();
            assertThat(info.index().exists()).isFalse();
            // no load-state assertion: milvus-lite reports a collection without an index as Loaded, even after a release

            milvus.pointAlias(alias, collection);
            assertThat(milvus.aliasTarget(alias)).contains(collection);
            assertThat(milvus.aliases(collection)).contains(alias);
            milvus.dropAlias(alias);
            assertThat(milvus.aliasTarget(alias)).isEmpty();
            milvus.dropCollection(collection);
            assertThat(milvus.hasCollection(collection)).isFalse();
        }
    }

    @Test
    void insertsIndexesLoadsAndSearchesPerPartition() {
        String name = TestStack.unique("gw");
        RecallConfig cfg = stack.config(name);
        String collection = name + "_a";
        var seeded = CollectionFixture.build(cfg, collection, 400, "FLAT", Map.of());
        try (MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            CollectionInfo info = milvus.describe(collection);
            assertThat(info.rows()).isEqualTo(400);
            assertThat(info.index().type()).isEqualTo("FLAT");
            assertThat(info.index().finished()).isTrue();
            assertThat(info.load().loaded()).isTrue();
            long inP1 = seeded.vectors().keySet().stream().filter(id -> Partitions.indexOf(id, 4) == 1).count();
            assertThat(milvus.partitionRowCount(collection, "p1")).isEqualTo(inP1);

            long probe = seeded.vectors().keySet().iterator().next();
            var hits = milvus.search(collection, List.of(Partitions.name(Partitions.indexOf(probe, 4))),
                    cfg.collection().vectorField(), List.of(seeded.vectors().get(probe)), 5, Map.of(), null,
                    List.of("category"));
            assertThat(hits.get(0).get(0).id()).isEqualTo(probe); // a vector's nearest neighbour is itself
            assertThat(hits.get(0)).allMatch(h -> Partitions.indexOf(h.id(), 4) == Partitions.indexOf(probe, 4));
            assertThat(hits.get(0).get(0).fields()).containsKey("category");
            milvus.dropCollection(collection);
        }
    }

    /**
     * An engine that dies after accepting a flush (the CI run where the full engine died mid-phase): the flush
     * fails in bounded time as "Milvus unreachable (flush ...)" instead of waiting out milvus.index_timeout_s.
     * The SDK's own flush wait did that: its polls wait for the server to come back, up to the whole timeout.
     * The death is a TcpProxy cut (the engine cannot be killed here without failing the phase's other tests):
     * the Flush reply gets through, 50 ms later every connection drops and new ones are refused.
     */
    @Test
    @Tag("full-engine")
    void anEngineThatDiesDuringTheFlushWaitFailsTheFlushInBoundedTime() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(stack.isFullEngine(),
                "milvus-lite reports every flush done at the first poll: no wait to die in");
        String name = TestStack.unique("gwflush");
        String collection = name + "_a";
        RecallConfig direct = stack.config(name);
        CollectionFixture.seedSource(direct, 2000, 3);
        try (TcpProxy proxy = new TcpProxy(stack.milvusPort(), Long.MAX_VALUE)) {
            RecallConfig cfg = stack.load(name, Map.of("milvus.write_uri", "http://127.0.0.1:" + proxy.port(),
                    "milvus.rpc_deadline_ms", "2000", "milvus.max_retries", "1", "milvus.max_retry_ms", "2000")).config();
            try (MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
                milvus.createCollection(CollectionSpec.from(collection, cfg));
                milvus.flush(collection, 60_000); // opens the write channel, so the next reply is the Flush's own
                CollectionFixture.insertSource(cfg, milvus, collection);
                proxy.cutOnServerReply(50);
                long t0 = System.nanoTime();
                assertTimeoutPreemptively(Duration.ofSeconds(40), () -> assertThatThrownBy(
                        () -> milvus.flush(collection, 60_000))
                        .isInstanceOf(DependencyException.class)
                        .hasMessageContaining("Milvus unreachable at http://127.0.0.1:" + proxy.port())
                        .hasMessageContaining("(flush " + collection + ")"));
                assertThat(proxy.wasCut()).isTrue();
                assertThat((System.nanoTime() - t0) / 1e9).as("seconds to the error").isLessThan(20);
            }
        } finally {
            try (MilvusGateway milvus = MilvusGateway.forWrites(direct.milvus())) {
                if (milvus.hasCollection(collection)) {
                    milvus.dropCollection(collection);
                }
            }
        }
    }

    @Test
    void unreachableServerIsAClearErrorInBoundedTime() {
        RecallConfig cfg = stack.load("gw", Map.of("milvus.write_uri", "http://127.0.0.1:" + ServerProcess.freePort(),
                "milvus.connect_timeout_ms", "1000")).config();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> MilvusGateway.forWrites(cfg.milvus()))
                .isInstanceOf(DependencyException.class)
                .hasMessageContaining("Milvus unreachable at http://127.0.0.1:");
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(10);
    }

    @Test
    void serverStoppedAfterConnectFailsWithinTheDeadline() {
        try (ServerProcess server = ServerProcess.milvusLite(stack)) {
            RecallConfig cfg = stack.load("gw", Map.of("milvus.write_uri", "http://127.0.0.1:" + server.port(),
                    "milvus.rpc_deadline_ms", "2000", "milvus.max_retries", "1", "milvus.max_retry_ms", "2000")).config();
            try (MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
                milvus.listCollections();
                server.stop();
                long t0 = System.nanoTime();
                assertThatThrownBy(milvus::listCollections).isInstanceOf(DependencyException.class)
                        .hasMessageContaining("Milvus unreachable");
                assertThat((System.nanoTime() - t0) / 1e9).isLessThan(15);
            }
        }
    }
}
