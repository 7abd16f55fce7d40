package org.recallctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.Redactor;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.session.Connections;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.TestStack;

/** A scripted shell session against the real stack: the second search reuses the first one's connections. */
@Tag("integration")
class ShellIT {
    private final TestStack stack = TestStack.get();
    @TempDir
    Path dir;

    @Test
    void secondSearchReusesTheWarmConnections() {
        String name = TestStack.unique("shell");
        var cfg = stack.config(name);
        var seeded = CollectionFixture.build(cfg, name + "_a", 200, "FLAT", Map.of());
        long id = seeded.vectors().keySet().iterator().next();
        try (RedisPointerStore p = RedisPointerStore.connect(cfg)) {
            p.forceCurrent(name + "_a");
        }
        Path config = stack.writeConfigFile(dir, name, Map.of());
        String search = "search --config " + config + " --item-id " + id + " --topk 3 --output-fields category\n";
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (Connections session = Connections.session()) {
            CliContext ctx = new CliContext(new PrintWriter(out, true), new PrintWriter(err, true), Map.of(), null,
                    false, new Redactor(), new ByteArrayInputStream(("timing on\n" + search + search + "quit\n")
                    .getBytes(StandardCharsets.UTF_8)), session);
            int code = CommandLineFactory.create(ctx).execute("shell", "--history-file", dir.resolve("h").toString());
            assertThat(code).as(err.toString()).isZero();
            // Milvus reads (its async search channel inside), Redis, MySQL source: opened by the first search only
            assertThat(session.openedCount()).as(err.toString()).isEqualTo(3);
            assertThat(session.size()).isEqualTo(3);
        }
        String o = out.toString();
        assertThat(o.split("query 1: item " + id + " \\(source\\)", -1)).as(o).hasSize(3);
        assertThat(o).contains("collection " + name + "_a (via key1 it:{" + name + "}:current)");
        assertThat(o).containsPattern("1\\s+" + id + "\\s+1\\.0000\\d\\d\\s+p" + Math.floorMod(id, 4));
        assertThat(err.toString()).containsPattern("\\(search: exit 0, [0-9.]+ ms\\)[\\s\\S]*\\(search: exit 0, [0-9.]+ ms\\)");
        try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus()); RedisPointerStore p = RedisPointerStore.connect(cfg)) {
            m.dropCollection(name + "_a");
            p.deleteAll();
        } catch (RuntimeException e) {
            System.err.println("cleanup failed: " + e.getMessage());
        }
    }

    /**
     * Issue 10 §1: every command, not only search, takes its connections from the shell's session: a second
     * round of status, check, switch and build opens nothing new. Fails when a command opens its own.
     */
    @Test
    void everyCommandReusesTheShellsWarmConnections() {
        String name = TestStack.unique("shellall");
        var cfg = stack.config(name);
        CollectionFixture.build(cfg, name + "_a", 200, "FLAT", Map.of());
        try (RedisPointerStore p = RedisPointerStore.connect(cfg)) {
            p.forceCurrent(name + "_a");
        }
        Path config = stack.writeConfigFile(dir, name, Map.of());
        String round = "status --config " + config + "\ncheck --config " + config + "\nswitch --config " + config
                + " --to " + name + "_a\nbuild --config " + config + " --collection " + name + "_b\n"
                + "warmup --config " + config + " -q\nswitch --config " + config + " --to " + name + "_b\n";
        long r0 = redisConnections();
        Opened once = opened(round, 1);
        long r1 = redisConnections();
        Opened twice = opened(round.replace(name + "_b", name + "_c") + round.replace(name + "_b", name + "_d"), 2);
        long r2 = redisConnections();
        assertThat(once.resources()).isPositive();
        assertThat(twice.resources()).as("the second round opened no connection").isEqualTo(once.resources());
        // what the server saw: every connection came from the session's warm store; a command that bypassed it
        // would add connections its pool did not open (how many the pool opens depends on how many commands
        // overlap, e.g. the lock renewer, so the count itself is not compared between runs)
        assertThat(r1 - r0 - 1).as("Redis connections in one round vs the session pool's").isEqualTo(once.redisSockets());
        assertThat(r2 - r1 - 1).as("Redis connections in two rounds vs the session pool's")
                .isEqualTo(twice.redisSockets());
        assertThat(once.redisSockets()).isPositive();
        CollectionFixture.dropPipeline(cfg, name);
    }

    /**
     * Connections the Redis server has accepted, this probe's own included: so what connected between two
     * readings is {@code later - earlier - 1} (the later probe's own connection).
     */
    private long redisConnections() {
        try (redis.clients.jedis.RedisClient raw = redis.clients.jedis.RedisClient.create("127.0.0.1", stack.redisPort())) {
            String info = raw.info("stats");
            long n = info.lines().filter(l -> l.startsWith("total_connections_received:"))
                    .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).trim())).findFirst().orElseThrow();
            return n;
        }
    }

    /** What one shell session opened: resources (Milvus, Redis, MySQL clients) and sockets to Redis. */
    private record Opened(int resources, long redisSockets) {
    }

    private Opened opened(String script, int rounds) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (Connections session = Connections.session()) {
            CliContext ctx = new CliContext(new PrintWriter(out, true), new PrintWriter(err, true), Map.of(), null,
                    false, new Redactor(), new ByteArrayInputStream((script + "quit\n").getBytes(StandardCharsets.UTF_8)),
                    session);
            int code = CommandLineFactory.create(ctx).execute("shell", "--history-file", dir.resolve("h" + rounds).toString());
            assertThat(code).as(err.toString()).isZero();
            assertThat(err.toString()).doesNotContain("error:");
            return new Opened(session.openedCount(), session.redisSocketsOpened());
        }
    }
}
