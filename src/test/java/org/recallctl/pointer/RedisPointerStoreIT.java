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
import org.recallctl.error.PointerMovedException;
import org.recallctl.testing.ServerProcess;
import org.recallctl.testing.TestStack;

@Tag("integration")
class RedisPointerStoreIT {
    private final TestStack stack = TestStack.get();

    @Test
    void switchIsCompareAndSetAndKeepsHistory() {
        RecallConfig cfg = stack.config(TestStack.unique("ptr"));
        try (RedisPointerStore store = RedisPointerStore.connect(cfg)) {
            assertThat(store.keys().current()).isEqualTo("it:{" + cfg.pipeline() + "}:current");
            assertThat(store.read().current()).isEmpty();

            store.setBuilding("c_a");
            assertThat(store.building()).contains("c_a");
            store.switchTo(Optional.empty(), "c_a", 5);
            assertThat(store.current()).contains("c_a");
            assertThat(store.building()).isEmpty();
            assertThat(store.history()).isEmpty();

            store.setBuilding("c_b");
            store.switchTo(Optional.of("c_a"), "c_b", 5);
            assertThat(store.current()).contains("c_b");
            assertThat(store.history()).containsExactly("c_a");

            assertThatThrownBy(() -> store.switchTo(Optional.of("c_a"), "c_c", 5))
                    .isInstanceOf(PointerMovedException.class).hasMessageContaining("found 'c_b'");
            assertThat(store.current()).contains("c_b");

            store.rollbackTo(Optional.of("c_b"), "c_a");
            assertThat(store.current()).contains("c_a");
            assertThat(store.history()).isEmpty();
            store.deleteAll();
        }
    }

    @Test
    void aKilledRunsLockExpiresByItself() throws Exception {
        RecallConfig cfg = stack.config(TestStack.unique("ptr"));
        try (RedisPointerStore store = RedisPointerStore.connect(cfg);
             redis.clients.jedis.RedisClient raw = redis.clients.jedis.RedisClient.create("127.0.0.1", stack.redisPort())) {
            // what a killed run leaves behind: its lock value, with nobody left to renew it
            raw.set(store.keys().lock(), "{\"token\":\"dead\",\"host\":\"old-host\",\"pid\":4242,"
                    + "\"command\":\"rebuild\",\"started_at\":\"2026-01-01T00:00:00Z\"}",
                    redis.clients.jedis.params.SetParams.setParams().px(1_000));
            assertThatThrownBy(() -> store.acquireLock("rebuild", 30_000, m -> { }))
                    .isInstanceOf(LockHeldException.class).hasMessageContaining("rebuild on old-host (pid 4242)");
            Thread.sleep(1_300);
            try (RunLock lock = store.acquireLock("rebuild", 30_000, m -> { })) {
                assertThat(store.lockHolder()).get().extracting(LockInfo::pid).isEqualTo(ProcessHandle.current().pid());
            }
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
