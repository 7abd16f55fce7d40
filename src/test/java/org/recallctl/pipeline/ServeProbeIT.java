package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.RecallConfig;
import org.recallctl.config.Redactor;
import org.recallctl.error.RecallctlException;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.output.Json;
import org.recallctl.output.Log;
import org.recallctl.output.Progress;
import org.recallctl.pointer.PointerEvent;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.LaunchedCli;
import org.recallctl.testing.TestStack;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * Issue 12 §3 and §6 on the real stack: the serve probe after a switch, its automatic revert through the fenced
 * rollback compare-and-set, {@code --watch}, and the pointer events a real jedis subscriber receives.
 *
 * <p>"Unservable" here is a real {@code ReleaseCollection} of the new collection right after the switch (or a
 * moment after it, inside the watch window): milvus-lite implements Release, and a search on a released
 * collection fails with server code 101 ("call load() before search"), as on the full engine.
 */
@Tag("integration")
@Tag("full-engine")
class ServeProbeIT {
    private static final int ROWS = 2000;
    private final TestStack stack = TestStack.get();
    @TempDir
    Path dir;
    private final List<RecallConfig> used = new ArrayList<>();

    private static Map<String, String> small(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>();
        m.put("warmup.max_queries", "20");
        m.put("warmup.window", "10");
        m.put("warmup.timeout_s", "60");
        m.put("build.batch_rows", "500");
        m.put("build.writers", "1");
        m.put("probe.queries", "10");
        m.put("probe.max_p99_ms", "20000"); // a busy 2-core test machine: the latency bound is not what these test
        m.put("probe.watch_interval_ms", "300");
        m.putAll(extra);
        return m;
    }

    private RecallConfig cfg(String name, Map<String, String> extra) {
        RecallConfig c = stack.load(name, small(extra)).config();
        used.add(c);
        return c;
    }

    @AfterEach
    void cleanup() {
        for (RecallConfig cfg : used) {
            CollectionFixture.dropPipeline(cfg, cfg.pipeline());
        }
    }

    private static Log log() {
        return new Log(new PrintWriter(new StringWriter(), true), new Redactor(), Log.Level.QUIET);
    }

    /** A real subscriber on its own connection and thread, as a search service would run it. */
    private final class Subscriber implements AutoCloseable {
        final List<JsonNode> events = new CopyOnWriteArrayList<>();
        private final JedisPubSub pubsub;
        private final Thread thread;

        Subscriber(String channel) throws InterruptedException {
            CountDownLatch subscribed = new CountDownLatch(1);
            pubsub = new JedisPubSub() {
                @Override
                public void onSubscribe(String ch, int n) {
                    subscribed.countDown();
                }

                @Override
                public void onMessage(String ch, String message) {
                    try {
                        events.add(Json.mapper().readTree(message));
                    } catch (Exception e) {
                        events.add(Json.object().put("unparseable", message));
                    }
                }
            };
            thread = new Thread(() -> {
                try (Jedis j = new Jedis("127.0.0.1", stack.redisPort())) {
                    j.subscribe(pubsub, channel);
                }
            }, "test-subscriber");
            thread.setDaemon(true);
            thread.start();
            assertThat(subscribed.await(10, TimeUnit.SECONDS)).as("subscribed to " + channel).isTrue();
        }

        List<JsonNode> await(int n) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (events.size() < n && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            return List.copyOf(events);
        }

        @Override
        public void close() throws InterruptedException {
            if (pubsub.isSubscribed()) {
                pubsub.unsubscribe();
            }
            thread.join(5000);
        }
    }

    private static void assertEvent(JsonNode e, String pipeline, String event, String from, String to) {
        assertThat(e.get("pipeline").asText()).isEqualTo(pipeline);
        assertThat(e.get("event").asText()).as(e.toString()).isEqualTo(event);
        if (from == null) {
            assertThat(e.get("from").isNull()).as(e.toString()).isTrue();
        } else {
            assertThat(e.get("from").asText()).as(e.toString()).isEqualTo(from);
        }
        assertThat(e.get("to").asText()).as(e.toString()).isEqualTo(to);
        assertThat(e.get("time").asText()).isNotEmpty();
    }

    /** A pipeline {@code prefix_*} with two built 300-row FLAT collections, a (older) and b, and its config file. */
    private record TwoCollections(String name, RecallConfig cfg, Path conf, String a, String b) {
    }

    private TwoCollections twoCollections(String prefix, Map<String, String> overrides) {
        String name = TestStack.unique(prefix);
        RecallConfig cfg = cfg(name, overrides);
        Path conf = stack.writeConfigFile(dir, name, small(overrides));
        String a = name + "_20240101000000";
        String b = name + "_20240102000000";
        CollectionFixture.build(cfg, a, 300, "FLAT", Map.of());
        CollectionFixture.build(cfg, b, 300, "FLAT", Map.of());
        return new TwoCollections(name, cfg, conf, a, b);
    }

    /** Calls {@code action} from a background thread once key1 names {@code target}, {@code delayMs} later. */
    private static Thread whenServing(RecallConfig cfg, String target, long delayMs, Consumer<String> action,
                                      AtomicReference<Throwable> failure) {
        Thread t = new Thread(() -> {
            try (RedisPointerStore r = RedisPointerStore.connect(cfg)) {
                long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (!r.current().filter(target::equals).isPresent()) {
                    if (System.nanoTime() > end) {
                        throw new IllegalStateException("key1 never named " + target);
                    }
                    Thread.sleep(20);
                }
                Thread.sleep(delayMs);
                action.accept(target);
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "test-breaker");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static Consumer<String> release(RecallConfig cfg) {
        return c -> {
            try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus())) {
                m.release(c);
            }
        };
    }

    /**
     * A good rebuild passes the probe and a 2 s watch; the next rebuild's collection is released right after the
     * switch: the probe fails, key1 (and the alias) go back to the previous collection by the fenced rollback,
     * exit 3 "switched, probe failed, reverted to X", and a subscriber sees switch, switch, revert in order.
     * Fails when the probe does not run, does not notice a released collection, or does not revert.
     */
    @Test
    void aCollectionReleasedRightAfterTheSwitchIsRevertedWithExitThreeAndTheSubscriberSeesItAll() throws Exception {
        String name = TestStack.unique("probe");
        String alias = name + "_serving";
        RecallConfig cfg = cfg(name, Map.of("collection.alias", alias));
        CollectionFixture.seedSource(cfg, ROWS, 11);
        try (Subscriber sub = new Subscriber(PointerEvent.channel(cfg));
             RedisPointerStore redis = RedisPointerStore.connect(cfg); MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            Path report1 = dir.resolve("r1.json");
            new RebuildChain(cfg, log(), Progress.none(), Clock.systemUTC(), null).watch(Duration.ofSeconds(2))
                    .run(false, report1);
            String a = redis.current().orElseThrow();
            JsonNode r1 = Json.mapper().readTree(Files.readString(report1));
            assertThat(r1.get("exit_code").asInt()).isZero();
            assertThat(stepNames(r1)).containsSubsequence("switch", "probe", "watch");
            JsonNode probe1 = step(r1, "probe");
            assertThat(probe1.get("status").asText()).isEqualTo("ok");
            assertThat(probe1.at("/details/probe/queries").asInt()).isEqualTo(10);
            assertThat(probe1.at("/details/probe/alias_at").asText()).isEqualTo(a);
            assertThat(step(r1, "watch").at("/details/rounds").asInt()).isPositive();

            Thread.sleep(1100); // timestamp naming has one-second resolution
            Path report2 = dir.resolve("r2.json");
            AtomicReference<String> released = new AtomicReference<>();
            RebuildChain.Hooks breaker = new RebuildChain.Hooks() {
                @Override
                public void afterSwitch(String target) {
                    released.set(target);
                    release(cfg).accept(target);
                }
            };
            RebuildChain chain = new RebuildChain(cfg, log(), Progress.none(), Clock.systemUTC(), breaker);
            Throwable thrown = catchThrowable(() -> chain.run(false, report2));
            String b = released.get();
            assertThat(b).isNotNull().isNotEqualTo(a);
            assertThat(thrown).isInstanceOfSatisfying(RecallctlException.class, e -> assertThat(e.exitCode()).isEqualTo(3))
                    .hasMessageContaining("switched to " + b + ", probe failed, reverted to " + a);
            assertThat(redis.current()).contains(a);
            assertThat(redis.history()).doesNotContain(b);
            assertThat(redis.lockHolder()).isEmpty();
            assertThat(milvus.aliasTarget(alias)).contains(a);
            assertThat(milvus.loadState(a).loaded()).isTrue();

            JsonNode r2 = Json.mapper().readTree(Files.readString(report2));
            assertThat(r2.get("exit_code").asInt()).isEqualTo(3);
            assertThat(step(r2, "switch").get("status").asText()).isEqualTo("ok");
            assertThat(step(r2, "probe").get("status").asText()).isEqualTo("failed");
            assertThat(step(r2, "probe").get("error").asText()).contains("did not answer");
            assertThat(step(r2, "revert").get("status").asText()).isEqualTo("ok");
            assertThat(r2.at("/pointers/serving_after").asText()).isEqualTo(a);

            List<JsonNode> events = sub.await(3);
            assertThat(events).hasSize(3);
            assertEvent(events.get(0), name, "switch", null, a);
            assertThat(events.get(0).get("reason").asText()).isEqualTo("rebuild");
            assertEvent(events.get(1), name, "switch", a, b);
            assertEvent(events.get(2), name, "revert", b, a);
            assertThat(events.get(2).get("reason").asText()).contains("serve probe failed");
        }
    }

    /**
     * switch --watch: the new collection serves at first (the first probe passes), then is released a moment
     * later, inside the window: the watch notices, reverts to the previous collection, exit 3. Fails when the
     * watch does not keep probing or does not revert on a breach.
     */
    @Test
    void aBreachInsideTheWatchWindowRevertsTheSwitch() throws Exception {
        TwoCollections t = twoCollections("watch", Map.of());
        String name = t.name();
        RecallConfig cfg = t.cfg();
        Path conf = t.conf();
        String a = t.a();
        String b = t.b();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<String> alerts = new CopyOnWriteArrayList<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", ex -> {
            alerts.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        hook.start();
        try (Subscriber sub = new Subscriber(PointerEvent.channel(cfg)); RedisPointerStore redis = RedisPointerStore.connect(cfg)) {
            redis.forceCurrent(a);
            Thread breaker = whenServing(cfg, b, 2500, release(cfg), failure);
            long t0 = System.nanoTime();
            CliRun run = Cli.run(Map.of("RECALLCTL_CONFIG", conf.toString(), "RECALLCTL_ALERT_WEBHOOK_URL",
                    "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook"), "switch", "--to", b, "--watch", "60s");
            double seconds = (System.nanoTime() - t0) / 1e9;
            breaker.join(10_000);
            assertThat(failure.get()).isNull();
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
            assertThat(run.err()).contains("switched to " + b + ", probe failed, reverted to " + a)
                    .contains("during --watch");
            assertThat(seconds).as("the breach ends the watch long before its 60 s window").isLessThan(45);
            assertThat(redis.current()).contains(a);
            assertThat(redis.lockHolder()).isEmpty();
            List<JsonNode> events = sub.await(2);
            assertThat(events).hasSize(2);
            assertEvent(events.get(0), name, "switch", a, b);
            assertThat(events.get(0).get("reason").asText()).isEqualTo("switch --to " + b);
            assertEvent(events.get(1), name, "revert", b, a);
            assertThat(events.get(1).get("reason").asText()).contains("during --watch");
            assertThat(alerts).as("the failure alert").hasSize(1);
            JsonNode alert = Json.mapper().readTree(alerts.get(0));
            assertThat(alert.get("exit_code").asInt()).isEqualTo(3);
            assertThat(alert.get("message").asText()).contains("probe failed, reverted to " + a);
        } finally {
            hook.stop(0);
        }
    }

    /**
     * Ctrl-C inside the --watch window ends the watch with exit 130, and the switch stands (nothing undoes a
     * finished switch on an interrupt): the message must say key1 stays on the new collection, never "key1
     * untouched". A real process and a real SIGINT, since only those run the shutdown hook. Fails when the
     * runner's note ignores the switch (it said "key1 untouched" before).
     */
    @Test
    void ctrlCDuringTheWatchKeepsTheSwitchAndSaysSo() throws Exception {
        TwoCollections t = twoCollections("ctrlc", Map.of());
        String a = t.a();
        String b = t.b();
        try (RedisPointerStore redis = RedisPointerStore.connect(t.cfg())) {
            redis.forceCurrent(a);
            try (LaunchedCli run = LaunchedCli.start(dir, "switch", "--config", t.conf().toString(), "--to", b,
                    "--watch", "120s")) {
                assertThat(run.awaitStderr("watching " + b, 120)).as(run.stderr()).isTrue();
                Thread.sleep(1_500); // inside the window, between probe rounds
                run.interrupt();
                assertThat(run.waitFor(60)).as(run.stderr()).isEqualTo(130);
                assertThat(run.stderr()).contains("key1 stays on " + b + " (this run moved it from " + a)
                        .doesNotContain("untouched");
            }
            assertThat(redis.current()).contains(b);
            assertThat(redis.lockHolder()).isEmpty();
        }
    }

    /**
     * The latency bound is part of the probe: with probe.max_p99_ms at 1 ms no real fan-out query passes, so the
     * switch is reverted naming the key. Fails when p99 is not checked.
     */
    @Test
    void aP99AboveTheBoundRevertsTheSwitch() throws Exception {
        TwoCollections t = twoCollections("slow", Map.of("probe.max_p99_ms", "1"));
        RecallConfig cfg = t.cfg();
        Path conf = t.conf();
        String a = t.a();
        String b = t.b();
        try (RedisPointerStore redis = RedisPointerStore.connect(cfg)) {
            redis.forceCurrent(a);
            CliRun run = Cli.run(Map.of("RECALLCTL_CONFIG", conf.toString()), "switch", "--to", b);
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
            assertThat(run.err()).contains("probe failed, reverted to " + a).contains("above probe.max_p99_ms = 1");
            assertThat(redis.current()).contains(a);
        }
    }

    /** A plain rollback publishes its event too (after its compare-and-set), after the switch's. */
    @Test
    void aRollbackPublishesItsEventAfterTheSwitchs() throws Exception {
        TwoCollections t = twoCollections("rbevent", Map.of());
        String name = t.name();
        RecallConfig cfg = t.cfg();
        Path conf = t.conf();
        String a = t.a();
        String b = t.b();
        try (Subscriber sub = new Subscriber(PointerEvent.channel(cfg)); RedisPointerStore redis = RedisPointerStore.connect(cfg)) {
            redis.forceCurrent(a);
            Map<String, String> env = Map.of("RECALLCTL_CONFIG", conf.toString());
            CliRun sw = Cli.run(env, "switch", "--to", b);
            assertThat(sw.exitCode()).as(sw.toString()).isZero();
            CliRun rb = Cli.run(env, "rollback");
            assertThat(rb.exitCode()).as(rb.toString()).isZero();
            assertThat(redis.current()).contains(a);
            List<JsonNode> events = sub.await(2);
            assertThat(events).hasSize(2);
            assertEvent(events.get(0), name, "switch", a, b);
            assertEvent(events.get(1), name, "rollback", b, a);
            assertThat(events.get(1).get("reason").asText()).isEqualTo("rollback");
        }
    }

    /**
     * The first switch of a pipeline has nothing to revert to: when its probe fails the run exits 4 and says
     * loudly what serves now (key1 still names the collection that failed). Fails when a failed revert is
     * reported as a clean exit 3 or hides what key1 names.
     */
    @Test
    void aFailedRevertExitsFourAndSaysWhatServes() throws Exception {
        String name = TestStack.unique("norevert");
        RecallConfig cfg = cfg(name, Map.of());
        Path conf = stack.writeConfigFile(dir, name, small(Map.of()));
        String b = name + "_20240102000000";
        CollectionFixture.build(cfg, b, 300, "FLAT", Map.of());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (RedisPointerStore redis = RedisPointerStore.connect(cfg)) {
            Thread breaker = whenServing(cfg, b, 1500, release(cfg), failure);
            Path report = dir.resolve("switch.json");
            CliRun run = Cli.run(Map.of("RECALLCTL_CONFIG", conf.toString()), "switch", "--to", b, "--watch", "60s",
                    "--report", report.toString());
            breaker.join(10_000);
            assertThat(failure.get()).isNull();
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
            assertThat(run.err()).contains("REVERT FAILED").contains("no previous collection")
                    .contains("NOW SERVING: key1 " + redis.keys().current() + " names " + b);
            assertThat(redis.current()).contains(b);
            JsonNode r = Json.mapper().readTree(Files.readString(report));
            assertThat(r.get("exit_code").asInt()).isEqualTo(4);
            assertThat(step(r, "revert").get("status").asText()).isEqualTo("failed");
        }
    }

    /** --watch is refused (exit 2) when the config turned the probe off, before anything is switched. */
    @Test
    void watchWithTheProbeOffIsAUsageError() throws Exception {
        String name = TestStack.unique("nowatch");
        RecallConfig cfg = cfg(name, Map.of("probe.queries", "0"));
        Path conf = stack.writeConfigFile(dir, name, small(Map.of("probe.queries", "0")));
        CliRun run = Cli.run(Map.of("RECALLCTL_CONFIG", conf.toString()), "switch", "--to", name + "_x", "--watch", "5s");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("--watch 5s").contains("probe.queries");
        CliRun bad = Cli.run(Map.of("RECALLCTL_CONFIG", conf.toString()), "rebuild", "--watch", "5x");
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(2);
        assertThat(bad.err()).contains("'5x'");
        try (RedisPointerStore redis = RedisPointerStore.connect(cfg)) {
            assertThat(redis.current()).isEmpty();
        }
    }

    private static List<String> stepNames(JsonNode report) {
        List<String> names = new ArrayList<>();
        report.get("steps").forEach(s -> names.add(s.get("name").asText()));
        return names;
    }

    private static JsonNode step(JsonNode report, String name) {
        for (JsonNode s : report.get("steps")) {
            if (s.get("name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no step " + name + " in " + report);
    }
}
