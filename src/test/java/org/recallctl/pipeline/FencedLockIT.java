package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.RecallConfig;
import org.recallctl.config.Redactor;
import org.recallctl.error.RecallctlException;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.output.Log;
import org.recallctl.output.Progress;
import org.recallctl.pointer.LockInfo;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.pointer.RunLock;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.LaunchedCli;
import org.recallctl.testing.TestStack;

/**
 * Issue 10 §2, the fenced lock, against the real stack and with real second processes: a run that lost its lock
 * cannot switch, whether it noticed (renewal, next step boundary) or not (the token check inside the
 * compare-and-set script); a killed run's lock expires after the configured build.lock_ttl_s; build and
 * bench --nlist take the lock and refuse key2's collection; key1 moved by another process loses the CAS.
 */
@Tag("integration")
class FencedLockIT {
    private final TestStack stack = TestStack.get();
    @TempDir
    Path dir;
    private RecallConfig cfg;

    private static Map<String, String> small(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>();
        m.put("warmup.max_queries", "30");
        m.put("warmup.window", "10");
        m.put("warmup.timeout_s", "60");
        m.put("build.batch_rows", "500");
        m.put("build.writers", "1");
        m.putAll(extra);
        return m;
    }

    private static Log quiet() {
        return new Log(new PrintWriter(new StringWriter(), true), new Redactor(), Log.Level.QUIET);
    }

    @AfterEach
    void cleanup() {
        if (cfg == null) {
            return;
        }
        try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus()); RedisPointerStore r = RedisPointerStore.connect(cfg)) {
            for (String c : new CollectionNaming(cfg.collection()).generations(m.listCollections())) {
                m.dropCollection(c);
            }
            for (String c : m.listCollections()) {
                if (c.startsWith(cfg.pipeline())) {
                    m.dropCollection(c);
                }
            }
            r.deleteAll();
        } catch (RuntimeException ignored) {
            // best effort
        }
    }

    /** A serving fixture collection and a source of {@code rows}; returns the serving collection's name. */
    private String servingFixture(String name, int rows) {
        String serving = name + "_20240101000000";
        CollectionFixture.build(cfg, serving, 200, "FLAT", Map.of());
        CollectionFixture.seedSource(cfg, rows, 3);
        try (RedisPointerStore p = RedisPointerStore.connect(cfg)) {
            p.forceCurrent(serving);
        }
        return serving;
    }

    private static void await(LaunchedCli run, String text, int seconds) throws Exception {
        assertThat(run.awaitStderr(text, seconds)).as("'" + text + "' in stderr: " + run.stderr()).isTrue();
    }

    /**
     * The fence alone: another run takes the lock over right before our switch, before our renewer could
     * notice. The compare-and-set script sees the foreign token: exit 5, key1, history and the other run's lock
     * untouched. Fails when the scripts do not check the token (the run would switch, exit 0).
     */
    @Test
    void aLockTakenOverJustBeforeTheSwitchCannotMoveKeyOne() {
        String name = TestStack.unique("fence");
        cfg = stack.load(name, small(Map.of("thresholds.max_growth_pct", ""))).config();
        String serving = servingFixture(name, 1000);
        try (RedisPointerStore pointers = RedisPointerStore.connect(cfg);
             redis.clients.jedis.RedisClient raw = redis.clients.jedis.RedisClient.create("127.0.0.1", stack.redisPort())) {
            RunLock[] theirs = new RunLock[1];
            RebuildChain chain = new RebuildChain(cfg, quiet(), Progress.none(), Clock.systemUTC(), new RebuildChain.Hooks() {
                @Override
                public void beforeSwitch(String target) {
                    raw.del(pointers.keys().lock()); // our lock expired (a pause) ...
                    theirs[0] = pointers.acquireLock("rebuild (the other run)", 60_000, m -> { }); // ... and was taken
                }
            });
            assertThatThrownBy(() -> chain.run(false, dir.resolve("r.json"))).isInstanceOf(RecallctlException.class)
                    .hasMessageContaining("no longer holds the lock").hasMessageContaining("nothing was switched")
                    .satisfies(e -> assertThat(((RecallctlException) e).exitCode()).isEqualTo(5));
            assertThat(pointers.current()).contains(serving);
            assertThat(pointers.history()).isEmpty();
            assertThat(pointers.lockHolder()).get().extracting(LockInfo::command).isEqualTo("rebuild (the other run)");
            theirs[0].close();
        }
    }

    /**
     * A real run freezes (SIGSTOP: a long GC pause, a suspended VM) past build.lock_ttl_s; a second real process
     * takes the expired lock and rebuilds. When the first wakes up it must stop with exit 5 and switch nothing,
     * and the second switches. Fails without the renewal check and the fence: the first would switch (exit 0)
     * under the second's lock, and the second would lose its compare-and-set (exit 6).
     */
    @Test
    void aPausedRunWhoseLockASecondProcessTookOverStopsWithExitFive() throws Exception {
        String name = TestStack.unique("takeover");
        cfg = stack.load(name, small(Map.of())).config();
        String serving = servingFixture(name, 3000);
        Path conf = stack.writeConfigFile(dir, name, small(Map.of("thresholds.max_growth_pct", "",
                "build.lock_ttl_s", "5", "warmup.settle_pct", "0", "warmup.max_queries", "200")));
        try (RedisPointerStore p = RedisPointerStore.connect(cfg);
             LaunchedCli first = LaunchedCli.start(dir, "rebuild", "--config", conf.toString(),
                     "--set", "warmup.max_queries=1000000", "--set", "warmup.timeout_s=30")) {
            await(first, "warming with up to", 120);
            first.pause();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (p.lockHolder().isPresent() && System.nanoTime() < until) {
                Thread.sleep(200);
            }
            assertThat(p.lockHolder()).as("the frozen run's lock expired after build.lock_ttl_s").isEmpty();
            try (LaunchedCli second = LaunchedCli.start(dir, "rebuild", "--config", conf.toString())) {
                await(second, "warming with up to", 120); // the second run holds the lock now
                assertThat(p.lockHolder()).get().extracting(LockInfo::pid).isEqualTo(second.pid());
                first.resume();
                assertThat(first.waitFor(120)).as(first.stderr()).isEqualTo(5);
                assertThat(first.stderr()).contains("lock");
                assertThat(p.current()).as("the first run switched nothing").contains(serving);
                assertThat(second.waitFor(120)).as(second.stderr()).isZero();
            }
            assertThat(p.current()).isPresent().get().isNotEqualTo(serving);
            assertThat(p.history()).containsExactly(serving);
            assertThat(p.building()).isEmpty();
            assertThat(p.lockHolder()).isEmpty();
        }
    }

    /**
     * kill -9 of a real run (no hook runs): its lock stays, a second run exits 5 naming the dead pid, and after
     * build.lock_ttl_s from the config (the product's own TTL path, not one the test writes) the lock is free.
     */
    @Test
    void aKilledRunsLockExpiresAfterTheConfiguredTtl() throws Exception {
        String name = TestStack.unique("killed");
        cfg = stack.load(name, small(Map.of())).config();
        servingFixture(name, 2000);
        Path conf = stack.writeConfigFile(dir, name, small(Map.of("thresholds.max_growth_pct", "",
                "build.lock_ttl_s", "5", "warmup.settle_pct", "0", "warmup.max_queries", "1000000",
                "warmup.timeout_s", "600")));
        try (RedisPointerStore p = RedisPointerStore.connect(cfg);
             LaunchedCli run = LaunchedCli.start(dir, "rebuild", "--config", conf.toString())) {
            await(run, "warming with up to", 120);
            assertThat(p.lockHolder()).get().extracting(LockInfo::pid).isEqualTo(run.pid());
            run.kill();
            assertThat(run.waitFor(30)).isEqualTo(137);
            long killedAt = System.nanoTime();
            CliRun blocked = Cli.run(Map.of("RECALLCTL_CONFIG", conf.toString()), "prune");
            assertThat(blocked.exitCode()).as(blocked.toString()).isEqualTo(5);
            assertThat(blocked.err()).contains("pid " + run.pid()).contains("rebuild");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (p.lockHolder().isPresent() && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            double waited = (System.nanoTime() - killedAt) / 1e9;
            assertThat(p.lockHolder()).isEmpty();
            assertThat(waited).as("expired within build.lock_ttl_s = 5 s").isLessThan(8);
            CliRun free = Cli.run(Map.of("RECALLCTL_CONFIG", conf.toString()), "prune");
            assertThat(free.exitCode()).as(free.toString()).isZero();
        }
    }

    /**
     * Another process (redis-cli, as an operator or another tool would) moves key1 while a real rebuild warms
     * up: the compare-and-set loses, exit 6, key1 keeps what the other process wrote, history and key2 clean.
     */
    @Test
    void keyOneMovedByAnotherProcessMidRunExitsSix() throws Exception {
        String name = TestStack.unique("moved2");
        cfg = stack.load(name, small(Map.of())).config();
        servingFixture(name, 2000);
        Path conf = stack.writeConfigFile(dir, name, small(Map.of("thresholds.max_growth_pct", "",
                "warmup.settle_pct", "0", "warmup.max_queries", "150")));
        try (RedisPointerStore p = RedisPointerStore.connect(cfg);
             LaunchedCli run = LaunchedCli.start(dir, "rebuild", "--config", conf.toString())) {
            await(run, "warming with up to", 120);
            Process cli = new ProcessBuilder("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(stack.redisPort()),
                    "SET", p.keys().current(), "someone_else").redirectErrorStream(true).start();
            assertThat(cli.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(cli.getInputStream().readAllBytes()).trim()).isEqualTo("OK");
            assertThat(run.waitFor(120)).as(run.stderr()).isEqualTo(6);
            assertThat(run.stderr()).contains("moved under us").contains("someone_else");
            assertThat(p.current()).contains("someone_else");
            assertThat(p.history()).isEmpty();
            assertThat(p.building()).isEmpty();
            assertThat(p.lockHolder()).isEmpty();
        }
    }

    /** build alone takes the lock (exit 5 when held) and refuses key2's collection; a built one stays in key2. */
    @Test
    void buildAloneTakesTheLockAndRefusesWhatKeyTwoNames() {
        String name = TestStack.unique("buildlock");
        cfg = stack.load(name, small(Map.of())).config();
        CollectionFixture.seedSource(cfg, 300, 3);
        Path conf = stack.writeConfigFile(dir, name, small(Map.of()));
        Map<String, String> env = Map.of("RECALLCTL_CONFIG", conf.toString());
        try (RedisPointerStore p = RedisPointerStore.connect(cfg)) {
            try (RunLock held = p.acquireLock("rebuild (test holder)", 30_000, m -> { })) {
                CliRun r = Cli.run(env, "build", "--collection", name + "_x");
                assertThat(r.exitCode()).as(r.toString()).isEqualTo(5);
                assertThat(r.err()).contains("rebuild (test holder)");
            }
            CliRun built = Cli.run(env, "build", "--collection", name + "_x");
            assertThat(built.exitCode()).as(built.toString()).isZero();
            assertThat(p.building()).as("key2 names the built collection until it is switched to").contains(name + "_x");
            assertThat(p.lockHolder()).isEmpty();
            CliRun again = Cli.run(env, "build", "--collection", name + "_x");
            assertThat(again.exitCode()).as(again.toString()).isEqualTo(3);
            assertThat(again.err()).contains("refusing to build into '" + name + "_x'").contains("key2");
            try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus())) {
                assertThat(m.rowCount(name + "_x")).isEqualTo(300);
            }
            assertThat(Cli.run(env, "warmup", "-q").exitCode()).as("warms key2's collection").isZero();
            CliRun sw = Cli.run(env, "switch", "--to", name + "_x");
            assertThat(sw.exitCode()).as(sw.toString()).isZero();
            assertThat(p.building()).isEmpty();
        }
    }

    /**
     * key2 naming a collection someone dropped by hand: build into that name says so and points at prune (not at
     * a switch that cannot work); prune --dry-run lists the clearing, prune clears key2, and the build then runs.
     * Fails if the refusal gives the old advice, or prune keeps (or dry-run touches) the stale key2.
     */
    @Test
    void pruneClearsAKeyTwoThatNamesADroppedCollection() {
        String name = TestStack.unique("stalekey2");
        cfg = stack.load(name, small(Map.of())).config();
        CollectionFixture.seedSource(cfg, 200, 3);
        Path conf = stack.writeConfigFile(dir, name, small(Map.of()));
        Map<String, String> env = Map.of("RECALLCTL_CONFIG", conf.toString());
        try (RedisPointerStore p = RedisPointerStore.connect(cfg)) {
            assertThat(Cli.run(env, "build", "--collection", name + "_x", "-q").exitCode()).isZero();
            try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus())) {
                m.dropCollection(name + "_x");
            }
            CliRun refused = Cli.run(env, "build", "--collection", name + "_x");
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(3);
            assertThat(refused.err()).contains("no such collection exists").contains("recallctl prune")
                    .doesNotContain("switch to it");
            CliRun dry = Cli.run(env, "prune", "--dry-run");
            assertThat(dry.exitCode()).as(dry.toString()).isZero();
            assertThat(dry.out()).contains(name + "_x").contains("clear key2");
            assertThat(p.building()).as("a dry run changes nothing").contains(name + "_x");
            CliRun pruned = Cli.run(env, "prune", "--json");
            assertThat(pruned.exitCode()).as(pruned.toString()).isZero();
            assertThat(pruned.out()).contains(name + "_x");
            assertThat(p.building()).isEmpty();
            CliRun built = Cli.run(env, "build", "--collection", name + "_x", "-q");
            assertThat(built.exitCode()).as(built.toString()).isZero();
            assertThat(p.building()).contains(name + "_x");
            CliRun kept = Cli.run(env, "prune");
            assertThat(kept.exitCode()).as(kept.toString()).isZero();
            assertThat(p.building()).as("prune keeps a key2 whose collection exists").contains(name + "_x");
        }
    }

    /** bench --nlist rebuilds an index: under the lock (exit 5 when held), never on key2's collection. */
    @Test
    void benchNlistTakesTheLockAndRefusesWhatKeyTwoNames() {
        String name = TestStack.unique("benchlock");
        cfg = stack.load(name, small(Map.of("index.params.nlist", "8"))).config();
        CollectionFixture.build(cfg, name + "_ivf", 300, "IVF_FLAT", Map.of("nlist", "8"));
        Path conf = stack.writeConfigFile(dir, name, small(Map.of("index.params.nlist", "8")));
        Map<String, String> env = Map.of("RECALLCTL_CONFIG", conf.toString());
        String[] bench = {"bench", "--collection", name + "_ivf", "--nlist", "4", "--param", "nprobe=1", "--queries", "5",
                "--warmup", "1", "--out", dir.resolve("b").toString(), "--cache-dir", dir.resolve("c").toString(), "-q"};
        try (RedisPointerStore p = RedisPointerStore.connect(cfg)) {
            try (RunLock held = p.acquireLock("rebuild (test holder)", 30_000, m -> { })) {
                CliRun r = Cli.run(env, bench);
                assertThat(r.exitCode()).as(r.toString()).isEqualTo(5);
                assertThat(r.err()).contains("rebuild (test holder)");
            }
            p.setBuilding(name + "_ivf");
            CliRun r = Cli.run(env, bench);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
            assertThat(r.err()).contains("refusing to rebuild the index of '" + name + "_ivf'").contains("key2");
            p.deleteAll();
            CliRun ok = Cli.run(env, bench);
            assertThat(ok.exitCode()).as(ok.toString()).isZero();
            assertThat(p.lockHolder()).isEmpty();
        }
    }

    /** Partition count comes from the collection: build --partitions 4, then switch under a config saying 16. */
    @Test
    void switchChecksTheCollectionsOwnPartitionsNotTheConfigs() {
        String name = TestStack.unique("parts");
        cfg = stack.load(name, small(Map.of())).config();
        CollectionFixture.seedSource(cfg, 400, 3);
        Path conf = stack.writeConfigFile(dir, name, small(Map.of("collection.partitions", "16")));
        Map<String, String> env = Map.of("RECALLCTL_CONFIG", conf.toString());
        CliRun built = Cli.run(env, "build", "--collection", name + "_p4", "--partitions", "4");
        assertThat(built.exitCode()).as(built.toString()).isZero();
        CliRun warm = Cli.run(env, "warmup", "--collection", name + "_p4", "--json", "-q");
        assertThat(warm.exitCode()).as(warm.toString()).isZero();
        CliRun check = Cli.run(env, "check", "--built", name + "_p4", "--json");
        assertThat(check.exitCode()).as(check.toString()).isZero();
        assertThat(check.out()).contains("\"p3\"").doesNotContain("\"p4\"");
        CliRun sw = Cli.run(env, "switch", "--to", name + "_p4");
        assertThat(sw.exitCode()).as(sw.toString()).isZero();
        try (RedisPointerStore p = RedisPointerStore.connect(cfg)) {
            assertThat(p.current()).contains(name + "_p4");
        }
        assertThat(List.of(warm.out())).isNotEmpty();
    }
}
