package org.recallctl.pointer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.HashSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.recallctl.config.RecallConfig;
import org.recallctl.config.Redactor;
import org.recallctl.error.LockHeldException;
import org.recallctl.error.PointerMovedException;
import org.recallctl.error.RecallctlException;
import org.recallctl.output.Json;
import org.recallctl.output.Log;
import org.recallctl.output.Progress;
import org.recallctl.pipeline.BuildListener;
import org.recallctl.pipeline.RebuildChain;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.RedisTopology;
import org.recallctl.testing.TestStack;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The pointer protocol on Redis Sentinel and Redis Cluster (issue 13 §1), against the real setups bin/stack
 * starts: the store's operations, the operator's commands, and a master failover in the middle of a rebuild.
 */
@Tag("integration")
class RedisTopologyIT {
    @TempDir
    Path dir;

    private static Map<String, String> small(RedisTopology topology, Map<String, String> extra) {
        Map<String, String> m = new HashMap<>(topology.settings());
        m.put("warmup.max_queries", "30");
        m.put("warmup.window", "10");
        m.put("warmup.timeout_s", "60");
        m.put("build.batch_rows", "250");
        m.put("build.writers", "1");
        m.put("thresholds.max_growth_pct", "");
        m.putAll(extra);
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sentinel", "cluster"})
    void thePointerProtocolWorksAndItsKeysLiveInTheTopology(String name) {
        RedisTopology topology = RedisTopology.start(name);
        String pipeline = TestStack.unique("topo");
        RecallConfig cfg = topology.stack().load(pipeline, topology.settings()).config();
        try (RedisPointerStore store = RedisPointerStore.connect(cfg)) {
            assertThat(store.url()).startsWith("sentinel".equals(name) ? "sentinel master 'recallctl' via 127.0.0.1:"
                    : "cluster 127.0.0.1:");
            PointerKeys k = store.keys();
            assertThat(new HashSet<>(k.all().stream().map(RedisTopologyIT::slot).toList()))
                    .as("one cluster slot for every key").hasSize(1);

            try (RunLock lock = store.acquireLock("rebuild", 30_000, m -> { })) {
                assertThatThrownBy(() -> store.acquireLock("switch", 30_000, m -> { }))
                        .isInstanceOf(LockHeldException.class).hasMessageContaining("pid " + ProcessHandle.current().pid());
                assertThat(topology.rawGet(k.lock())).get().asString().contains(lock.info().token());

                store.setBuilding("c_a");
                store.switchTo(lock, Optional.empty(), "c_a", 5);
                store.setBuilding("c_b");
                store.switchTo(lock, Optional.of("c_a"), "c_b", 5);
                assertThat(store.current()).contains("c_b");
                assertThat(store.history()).containsExactly("c_a");
                assertThat(store.building()).isEmpty();
                // written where the topology keeps it, not in some other Redis
                assertThat(topology.rawGet(k.current())).contains("c_b");

                assertThatThrownBy(() -> store.switchTo(lock, Optional.of("c_a"), "c_c", 5))
                        .isInstanceOf(PointerMovedException.class).hasMessageContaining("found 'c_b'");
                assertThat(store.current()).contains("c_b");

                store.rollbackTo(lock, Optional.of("c_b"), "c_a");
                assertThat(store.current()).contains("c_a");
                assertThat(topology.rawGet(k.current())).contains("c_a");
                assertThat(store.history()).isEmpty();
            }
            assertThat(store.lockHolder()).isEmpty();
            store.deleteAll();
            assertThat(topology.rawGet(k.current())).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sentinel", "cluster"})
    void switchStatusRollbackCasLossAndLockHeldFromTheCommandLine(String name) throws Exception {
        RedisTopology topology = RedisTopology.start(name);
        String pipeline = TestStack.unique("topocli");
        Map<String, String> settings = small(topology, Map.of());
        RecallConfig cfg = topology.stack().load(pipeline, settings).config();
        CollectionFixture.build(cfg, pipeline + "_blue", 200, "FLAT", Map.of());
        CollectionFixture.build(cfg, pipeline + "_green", 200, "FLAT", Map.of());
        String conf = topology.stack().writeConfigFile(dir, pipeline, settings).toString();
        String a = pipeline + "_blue"; // outside the naming scheme: retention leaves them alone
        String b = pipeline + "_green";

        CliRun first = Cli.run("switch", "--config", conf, "--to", a, "-q");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        CliRun status = Cli.run("status", "--config", conf, "--json");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        JsonNode doc = Json.mapper().readTree(status.out());
        assertThat(doc.at("/pointer/current").asText()).isEqualTo(a);
        JsonNode redis = null;
        for (JsonNode e : doc.get("endpoints")) {
            if ("redis".equals(e.get("name").asText())) {
                redis = e;
            }
        }
        assertThat(redis).isNotNull();
        assertThat(redis.get("ok").asBoolean()).isTrue();
        assertThat(redis.get("target").asText()).startsWith(name);

        CliRun lost = Cli.run("switch", "--config", conf, "--to", b, "--expect-current", pipeline + "_other", "-q");
        assertThat(lost.exitCode()).as(lost.toString()).isEqualTo(6);
        assertThat(lost.err()).contains("moved under us");

        try (RedisPointerStore store = RedisPointerStore.connect(cfg);
             RunLock lock = store.acquireLock("rebuild", 30_000, m -> { })) {
            CliRun held = Cli.run("switch", "--config", conf, "--to", b, "-q");
            assertThat(held.exitCode()).as(held.toString()).isEqualTo(5);
            assertThat(held.err()).contains("another run holds the lock").contains("pid " + lock.info().pid());
        }

        CliRun second = Cli.run("switch", "--config", conf, "--to", b, "-q");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(topology.rawGet(PointerKeys.of(cfg).current())).contains(b);
        CliRun back = Cli.run("rollback", "--config", conf, "-q");
        assertThat(back.exitCode()).as(back.toString()).isZero();
        assertThat(topology.rawGet(PointerKeys.of(cfg).current())).contains(a);
        try (RedisPointerStore store = RedisPointerStore.connect(cfg)) {
            store.deleteAll();
        }
    }

    /**
     * A master that dies (no polite failover): the sentinels or the cluster need their timeout (3 s here) to
     * promote the replica. A write issued meanwhile waits (redis.failover_wait_ms) and lands on the new master
     * instead of failing at once.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sentinel", "cluster"})
    void aWriteDuringAnUnplannedFailoverWaitsForTheNewMaster(String name) {
        RedisTopology topology = RedisTopology.start(name);
        String pipeline = topology.pipelineName("topocrash");
        RecallConfig cfg = topology.stack().load(pipeline, small(topology, Map.of("redis.failover_wait_ms", "30000")))
                .config();
        try (RedisPointerStore store = RedisPointerStore.connect(cfg)) {
            store.setBuilding("before");
            topology.crashMaster(pipeline);
            long t0 = System.nanoTime();
            store.setBuilding("after");
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(store.building()).contains("after");
            assertThat(topology.rawGet(store.keys().building())).contains("after");
            // it really waited for a promotion rather than finding the old master still up
            assertThat(waitedMs).as("waited for the failover").isGreaterThan(1000);
            store.deleteAll();
        }
    }

    /**
     * The master fails over while the build writes (SENTINEL FAILOVER; CLUSTER FAILOVER on the replica). The lock
     * renewals and the switch then meet the demoted node or a moved slot; the run must end either switched or with
     * exit 4, key1 naming the old or the new collection consistently with history, never with a second lock
     * holder, and the next run must succeed.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sentinel", "cluster"})
    void aFailoverDuringARebuildEndsCleanlyAndTheNextRunSucceeds(String name) throws Exception {
        RedisTopology topology = RedisTopology.start(name);
        String pipeline = topology.pipelineName("topofo");
        // a short lock lifetime: the renewer writes every ~2 s, so renewals certainly meet the failover
        Map<String, String> settings = small(topology, Map.of("build.lock_ttl_s", "5"));
        RecallConfig cfg = topology.stack().load(pipeline, settings).config();
        CollectionFixture.seedSource(cfg, 3000, 5);
        String serving = pipeline + "_serving";
        CollectionFixture.build(cfg, serving, 200, "FLAT", Map.of());
        CollectionFixture.seedSource(cfg, 3000, 5);
        try (RedisPointerStore store = RedisPointerStore.connect(cfg)) {
            store.forceCurrent(serving);
        }

        AtomicBoolean started = new AtomicBoolean();
        CompletableFuture<Void> failover = new CompletableFuture<>();
        AtomicBoolean secondHolder = new AtomicBoolean();
        RebuildChain.Hooks hooks = new RebuildChain.Hooks() {
            @Override
            public BuildListener buildListener() {
                return new BuildListener() {
                    @Override
                    public void batchWritten(int partition, int rows) {
                        if (started.compareAndSet(false, true)) {
                            CompletableFuture.runAsync(() -> topology.failover(pipeline)).whenComplete((v, t) -> {
                                if (t == null) {
                                    failover.complete(null);
                                } else {
                                    failover.completeExceptionally(t);
                                }
                            });
                        }
                    }
                };
            }

            @Override
            public void beforeSwitch(String target) {
                // the switch goes to the new master; meanwhile nobody else may take the lock
                failover.orTimeout(120, TimeUnit.SECONDS).join();
                try (RedisPointerStore other = RedisPointerStore.connect(cfg)) {
                    other.acquireLock("intruder", 30_000, m -> { }).close();
                    secondHolder.set(true);
                } catch (LockHeldException expected) {
                    // the run's lock survived the failover
                }
            }
        };
        StringWriter logs = new StringWriter();
        Log log = new Log(new PrintWriter(logs, true), new Redactor(), Log.Level.NORMAL);
        int code;
        try {
            new RebuildChain(cfg, log, Progress.none(), Clock.systemUTC(), hooks).run(false, null);
            code = 0;
        } catch (RecallctlException e) {
            code = e.exitCode();
            logs.append("\nfailed: ").append(e.getMessage());
        }
        System.err.printf("%s failover during a rebuild: exit %d%n%s%n", name, code, logs);
        assertThat(failover).as("the failover happened during the run").isDone();
        failover.join();
        assertThat(secondHolder).as("a second run took the lock after the failover; logs: " + logs).isFalse();
        assertThat(code).as("exit code; logs: " + logs).isIn(0, 4);

        try (RedisPointerStore store = RedisPointerStore.connect(cfg)) {
            String key1 = store.current().orElseThrow();
            if (code == 0) {
                assertThat(key1).startsWith(pipeline + "_").isNotEqualTo(serving);
                assertThat(store.history()).first().isEqualTo(serving);
            } else {
                assertThat(key1).isEqualTo(serving);
            }
            assertThat(topology.rawGet(store.keys().current())).contains(key1);
            // released, or (if the release itself met the failover) expired within the short TTL
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (store.lockHolder().isPresent() && System.nanoTime() < until) {
                Thread.sleep(200);
            }
            assertThat(store.lockHolder()).isEmpty();

            Thread.sleep(1100); // timestamp naming has one-second resolution
            new RebuildChain(cfg, log, Progress.none(), Clock.systemUTC(), RebuildChain.NO_HOOKS).run(false, null);
            assertThat(store.current()).get().isNotEqualTo(key1);
            assertThat(store.history()).first().isEqualTo(key1);
            store.deleteAll();
        }
    }

    private static int slot(String key) {
        return JedisClusterCRC16.getSlot(key);
    }
}
