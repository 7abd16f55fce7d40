package org.recallctl.pointer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.DependencyException;
import org.recallctl.error.LockHeldException;
import org.recallctl.error.LockLostException;
import org.recallctl.error.PointerMovedException;
import org.recallctl.testing.ServerProcess;
import org.recallctl.testing.TestStack;

@Tag("integration")
class RedisPointerStoreIT {
    private final TestStack stack = TestStack.get();

    @Test
    void switchIsCompareAndSetAndKeepsHistory() {
        RecallConfig cfg = stack.config(TestStack.unique("ptr"));
        try (RedisPointerStore store = RedisPointerStore.connect(cfg);
             RunLock lock = store.acquireLock("test", 30_000, m -> { })) {
            assertThat(store.keys().current()).isEqualTo("it:{" + cfg.pipeline() + "}:current");
            assertThat(store.keys().all()).allSatisfy(k -> assertThat(k).contains("{" + cfg.pipeline() + "}"));
            assertThat(store.read().current()).isEmpty();

            store.setBuilding("c_a");
            assertThat(store.building()).contains("c_a");
            store.switchTo(lock, Optional.empty(), "c_a", 5);
            assertThat(store.current()).contains("c_a");
            assertThat(store.building()).isEmpty();
            assertThat(store.history()).isEmpty();

            store.setBuilding("c_b");
            store.switchTo(lock, Optional.of("c_a"), "c_b", 5);
            assertThat(store.current()).contains("c_b");
            assertThat(store.history()).containsExactly("c_a");

            assertThatThrownBy(() -> store.switchTo(lock, Optional.of("c_a"), "c_c", 5))
                    .isInstanceOf(PointerMovedException.class).hasMessageContaining("found 'c_b'");
            assertThat(store.current()).contains("c_b");

            assertThat(store.retired()).containsOnlyKeys("c_a");
            store.rollbackTo(lock, Optional.of("c_b"), "c_a");
            assertThat(store.current()).contains("c_a");
            assertThat(store.history()).isEmpty();
            assertThat(store.retired()).containsOnlyKeys("c_b");
            store.deleteAll();
        }
    }

    /**
     * The fence: a run whose lock was taken over (it expired while the run was paused, and another run took it)
     * cannot move key1, and neither switch nor rollback changes anything. Fails if the scripts stop checking the
     * token (they would switch).
     */
    @Test
    void switchAndRollbackRefuseACallerWhoseLockWasTakenOver() throws Exception {
        RecallConfig cfg = stack.config(TestStack.unique("ptr"));
        try (RedisPointerStore store = RedisPointerStore.connect(cfg);
             redis.clients.jedis.RedisClient raw = redis.clients.jedis.RedisClient.create("127.0.0.1", stack.redisPort())) {
            RunLock first = store.acquireLock("rebuild", 30_000, m -> { });
            store.switchTo(first, Optional.empty(), "c_a", 5);
            store.switchTo(first, Optional.of("c_a"), "c_b", 5);
            // what expiry + a takeover leaves: another run's value in the key, our renewer not yet aware
            raw.del(store.keys().lock());
            try (RunLock second = store.acquireLock("rebuild (the other run)", 30_000, m -> { })) {
                store.setBuilding("c_c");
                assertThatThrownBy(() -> store.switchTo(first, Optional.of("c_b"), "c_c", 5))
                        .isInstanceOf(LockLostException.class).hasMessageContaining("nothing was switched")
                        .hasMessageContaining("rebuild (the other run)")
                        .satisfies(e -> assertThat(((LockLostException) e).exitCode()).isEqualTo(5));
                assertThatThrownBy(() -> store.rollbackTo(first, Optional.of("c_b"), "c_a"))
                        .isInstanceOf(LockLostException.class).hasMessageContaining("nothing was rolled back");
                assertThat(store.current()).contains("c_b");
                assertThat(store.history()).containsExactly("c_a");
                assertThat(store.building()).contains("c_c");
                // release only by the owner's token: the late close of the first run leaves the second's lock
                first.close();
                assertThat(store.lockHolder()).get().extracting(LockInfo::command).isEqualTo("rebuild (the other run)");
                store.switchTo(second, Optional.of("c_b"), "c_c", 5);
                assertThat(store.current()).contains("c_c");
            }
            assertThat(store.lockHolder()).isEmpty();
            store.deleteAll();
        }
    }

    /** A renewal that finds another token declares the lock lost; checkHeld then throws (exit 5). */
    @Test
    void renewalNoticesATakeoverAndTheLockReportsItLost() throws Exception {
        RecallConfig cfg = stack.config(TestStack.unique("ptr"));
        java.util.List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (RedisPointerStore store = RedisPointerStore.connect(cfg);
             redis.clients.jedis.RedisClient raw = redis.clients.jedis.RedisClient.create("127.0.0.1", stack.redisPort())) {
            RunLock lock = store.acquireLock("rebuild", 1_500, told::add); // renews every 500 ms
            lock.checkHeld();
            raw.set(store.keys().lock(), "{\"token\":\"other\",\"host\":\"h2\",\"pid\":7,\"command\":\"rebuild\"}");
            long until = System.nanoTime() + 10_000_000_000L;
            // wait for the notice, not for lost(): the renewal thread sets lost() first, then tells (seen in a
            // clean-clone run: lost() already set, the notice not yet delivered)
            while (told.isEmpty() && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertThat(lock.lost()).get().asString().contains("taken over by rebuild on h2 (pid 7)");
            assertThat(told).hasSize(1);
            assertThatThrownBy(lock::checkHeld).isInstanceOf(LockLostException.class);
            lock.close();
            assertThat(store.lockHolder()).get().extracting(LockInfo::pid).isEqualTo(7L);
            store.deleteAll();
        }
    }

    /**
     * Renewal retries within the TTL: Redis stops answering writes for 2.5 s (CLIENT PAUSE WRITE, a real server
     * state: failover, a blocking save) while the lock lives 4 s. The renewal in the pause times out, is
     * retried, succeeds after it: the lock is never declared lost. Fails if one failed renewal loses the lock.
     */
    @Test
    void aRedisStallShorterThanTheTtlDoesNotLoseTheLock() throws Exception {
        RecallConfig cfg = stack.load(TestStack.unique("ptr"), Map.of("redis.timeout_ms", "300")).config();
        java.util.List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (RedisPointerStore store = RedisPointerStore.connect(cfg);
             redis.clients.jedis.RedisClient raw = redis.clients.jedis.RedisClient.create("127.0.0.1", stack.redisPort())) {
            try (RunLock lock = store.acquireLock("rebuild", 4_000, told::add)) { // renews every 1.33 s
                Thread.sleep(200);
                raw.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "PAUSE", "2500", "WRITE");
                Thread.sleep(5_000);
                assertThat(told).as("renewal retried through the stall").isEmpty();
                lock.checkHeld();
                assertThat(store.lockHolder()).get().extracting(LockInfo::token).isEqualTo(lock.info().token());
            }
            assertThat(store.lockHolder()).isEmpty();
        }
    }

    @Test
    void clearBuildingLeavesAnotherRunsMarkerAlone() {
        RecallConfig cfg = stack.config(TestStack.unique("ptr"));
        try (RedisPointerStore store = RedisPointerStore.connect(cfg)) {
            store.setBuilding("theirs");
            store.clearBuilding("mine");
            assertThat(store.building()).contains("theirs");
            store.clearBuilding("theirs");
            assertThat(store.building()).isEmpty();
        }
    }

    @Test
    void secondLockHolderIsRefusedNamingTheFirst() {
        RecallConfig cfg = stack.config(TestStack.unique("ptr"));
        try (RedisPointerStore store = RedisPointerStore.connect(cfg)) {
            try (RunLock lock = store.acquireLock("rebuild", 30_000, msg -> { })) {
                assertThat(store.lockHolder()).get().extracting(LockInfo::command).isEqualTo("rebuild");
                assertThatThrownBy(() -> store.acquireLock("rebuild", 30_000, msg -> { }))
                        .isInstanceOf(LockHeldException.class)
                        .hasMessageContaining("rebuild on " + lock.info().host())
                        .hasMessageContaining("pid " + ProcessHandle.current().pid());
            }
            assertThat(store.lockHolder()).isEmpty();
            store.acquireLock("again", 30_000, msg -> { }).close();
        }
    }

    @Test
    void authenticatesWithUserAndPasswordAndNamesAuthFailuresWithoutThePassword() {
        try (ServerProcess redis = ServerProcess.redis(stack, "--requirepass", "default-pw-1",
                "--user", "recall", "on", ">recall-pw-2", "~*", "+@all")) {
            String url = "redis://127.0.0.1:" + redis.port();
            RecallConfig ok = stack.load("ptr", Map.of("redis.url", url, "redis.user", "recall",
                    "redis.password", "recall-pw-2")).config();
            try (RedisPointerStore store = RedisPointerStore.connect(ok)) {
                store.setBuilding("x");
                assertThat(store.building()).contains("x");
            }
            RecallConfig noPassword = stack.load("ptr", Map.of("redis.url", url)).config();
            assertThatThrownBy(() -> RedisPointerStore.connect(noPassword)).isInstanceOf(DependencyException.class)
                    .hasMessageContaining("refused authentication");
            // the server never echoes a password, but our message names the URL: plant it there (issue 10 §9)
            RecallConfig wrong = stack.load("ptr", Map.of("redis.url", "redis://recall:not-it-9@127.0.0.1:" + redis.port()))
                    .config();
            assertThatThrownBy(() -> RedisPointerStore.connect(wrong)).isInstanceOf(DependencyException.class)
                    .hasMessageContaining("refused authentication").hasMessageContaining("redis://127.0.0.1:" + redis.port())
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not-it-9"));
            // credentials in the URL are used (they used to be dropped silently: NOAUTH)
            RecallConfig inUrl = stack.load("ptr", Map.of("redis.url", "redis://recall:recall-pw-2@127.0.0.1:" + redis.port()))
                    .config();
            try (RedisPointerStore store = RedisPointerStore.connect(inUrl)) {
                assertThat(store.building()).contains("x");
            }
        }
    }

    @Test
    void stoppedRedisIsAClearErrorNamingRedis() {
        try (ServerProcess redis = ServerProcess.redis(stack)) {
            RecallConfig cfg = stack.load("ptr", Map.of("redis.url", "redis://127.0.0.1:" + redis.port(),
                    "redis.timeout_ms", "500")).config();
            RedisPointerStore store = RedisPointerStore.connect(cfg);
            redis.stop();
            assertThatThrownBy(store::current).isInstanceOf(DependencyException.class)
                    .hasMessageStartingWith("Redis unreachable at redis://127.0.0.1:" + redis.port());
            store.close();
        }
    }
}
