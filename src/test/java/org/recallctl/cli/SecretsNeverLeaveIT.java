package org.recallctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.recallctl.config.SecretSlots;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.ServerProcess;
import org.recallctl.testing.TestStack;
import redis.clients.jedis.Jedis;

/**
 * Issue 10 §7: a distinct secret planted in every secret slot ({@link SecretSlots#ALL}, by value, by file and
 * inside URLs) never shows in stdout, stderr, a run report, a bench output file, the ground-truth cache, the
 * alert webhook's body or Redis, for successful and failing runs of every command. The webhook receiver is a real
 * local HTTP server (the JDK's); Redis is a private redis-server with passwords; MySQL and Milvus are the stack's.
 * Most runs are in-process (fast); a few go through bin/recallctl so that what libraries print to the process's
 * own stderr (slf4j, java.util.logging, stack traces with --verbose) is scanned too.
 *
 * <p>A new secret slot gets one planting in a scenario below; {@link #everySecretSlotIsPlantedSomewhere} fails
 * until it has one.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsNeverLeaveIT {
    private final TestStack stack = TestStack.get();
    private final String name = TestStack.unique("sec");
    /** Every secret planted so far, with the slot and scenario it was planted in (for the failure message). */
    private final Map<String, String> planted = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<String> webhookBodies = Collections.synchronizedList(new ArrayList<>());
    private final String[] redisPasswords = {secretText("redisA"), secretText("redisB"), secretText("redisC")};
    private ServerProcess redis;
    private HttpServer hook;
    private Path work;
    private int closedPort;

    /** One way of configuring recallctl: environment, --set settings and the files they name. */
    private final class Scenario {
        final String label;
        final Map<String, String> env = new LinkedHashMap<>();
        final Map<String, String> settings = new LinkedHashMap<>();
        final Set<String> slots = new LinkedHashSet<>();
        final Path dir;
        /** Table, pipeline and collection base name of this scenario, so scenarios never share data. */
        final String pipeline;
        Path config;

        Scenario(String label) {
            this.label = label;
            this.pipeline = name + "_" + label;
            this.dir = work.resolve(label);
            try {
                Files.createDirectories(dir.resolve("out"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            settings.put("source.password_file", "");
            settings.put("redis.url", "redis://127.0.0.1:" + redis.port());
            settings.put("alert.on_success", "true");
            settings.put("alert.timeout_ms", "5000");
            settings.put("warmup.max_queries", "20");
            settings.put("warmup.window", "10");
        }

        /** Failing scenarios: closed ports fail within a second or two instead of the default timeouts. */
        Scenario failingFast() {
            settings.put("source.connect_timeout_ms", "2000");
            settings.put("milvus.connect_timeout_ms", "2000");
            settings.put("redis.timeout_ms", "2000");
            return this;
        }

        /** A new distinct secret, recorded as planted in {@code slot}. */
        String secret(String slot) {
            String s = secretText(label);
            planted.put(s, slot + " (scenario " + label + ")");
            slots.add(slot);
            return s;
        }

        /** The real secret a server needs (it must work), recorded as planted in {@code slot}. */
        String real(String slot, String value) {
            planted.putIfAbsent(value, slot + " (scenario " + label + ")");
            slots.add(slot);
            return value;
        }

        Path file(String fileName, String content) {
            try {
                return Files.writeString(dir.resolve(fileName), content + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Scenario written() {
            config = stack.writeConfigFile(dir, pipeline, settings);
            return this;
        }

        Path out(String file) {
            return dir.resolve("out").resolve(file);
        }
    }

    private static String secretText(String label) {
        return "Sx" + label.replaceAll("[^A-Za-z0-9]", "") + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    @BeforeAll
    void startReceiverAndRedis() throws IOException {
        work = Files.createTempDirectory("recallctl-secrets-");
        closedPort = ServerProcess.freePort();
        // the default user accepts any of three passwords, so each scenario can bring its own
        redis = ServerProcess.redis(stack, "--user", "default", "on", ">" + redisPasswords[0], ">" + redisPasswords[1],
                ">" + redisPasswords[2], "~*", "&*", "+@all");
        hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hook.createContext("/", exchange -> {
            webhookBodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        hook.start();
    }

    @AfterAll
    void stop() throws IOException {
        hook.stop(0);
        redis.close();
        try (Stream<Path> files = Files.walk(work)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
        try (MilvusGateway m = MilvusGateway.forWrites(stack.config(name).milvus())) {
            for (String c : m.listCollections()) {
                if (c.startsWith(name)) {
                    m.dropCollection(c);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("cleanup failed: " + e.getMessage());
        }
    }

    private String webhook(String token) {
        return "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook/" + token;
    }

    // ---- the scenarios: together they plant a secret in every slot, by every route -------------------------

    /** Success, secrets from the environment. */
    private Scenario fromEnvironment() {
        Scenario s = new Scenario("env");
        s.env.put("RECALLCTL_SOURCE_PASSWORD", s.real("source.password", stack.mysqlPassword()));
        s.env.put("RECALLCTL_REDIS_PASSWORD", s.real("redis.password", redisPasswords[0]));
        s.env.put("RECALLCTL_MILVUS_TOKEN", "root:" + s.secret("milvus.token"));
        s.env.put("RECALLCTL_MILVUS_READ_TOKEN", "reader:" + s.secret("milvus.read_token"));
        s.env.put("RECALLCTL_ALERT_WEBHOOK_URL", webhook(s.secret("alert.webhook_url")));
        s.env.put("RECALLCTL_BUILD_IMPORT_S3_ACCESS_KEY", s.secret("build.import.s3.access_key"));
        s.env.put("RECALLCTL_REDIS_SENTINEL_PASSWORD", s.secret("redis.sentinel_password"));
        s.env.put("RECALLCTL_BUILD_IMPORT_S3_SECRET_KEY", s.secret("build.import.s3.secret_key"));
        return s.written();
    }

    /** Success, secrets from *_file keys. */
    private Scenario fromFiles() {
        Scenario s = new Scenario("files");
        s.settings.put("source.password_file", s.file("db-pw", s.real("source.password_file", stack.mysqlPassword())).toString());
        s.settings.put("redis.password_file", s.file("redis-pw", s.real("redis.password_file", redisPasswords[1])).toString());
        s.settings.put("milvus.token_file", s.file("milvus-token", s.secret("milvus.token_file")).toString());
        s.settings.put("milvus.read_token_file", s.file("milvus-read-token", s.secret("milvus.read_token_file")).toString());
        s.settings.put("alert.webhook_url_file", s.file("hook-url", webhook(s.secret("alert.webhook_url_file"))).toString());
        s.settings.put("redis.sentinel_password_file", s.file("sentinel-pw", s.secret("redis.sentinel_password_file")).toString());
        s.settings.put("build.import.s3.access_key_file", s.file("s3-ak", s.secret("build.import.s3.access_key_file")).toString());
        s.settings.put("build.import.s3.secret_key_file", s.file("s3-sk", s.secret("build.import.s3.secret_key_file")).toString());
        return s.written();
    }

    /** Success, credentials inside URLs: user:pw@ in the JDBC and Redis URLs. */
    private Scenario inUrls() {
        Scenario s = new Scenario("urls");
        s.settings.put("source.jdbc_url", "jdbc:mysql://" + stack.get("MYSQL_USER") + ":"
                + s.real("source.jdbc_url", stack.mysqlPassword()) + "@127.0.0.1:" + stack.mysqlPort() + "/"
                + stack.get("MYSQL_DATABASE"));
        s.settings.put("redis.url", "redis://:" + s.real("redis.url", redisPasswords[2]) + "@127.0.0.1:" + redis.port());
        return s.written();
    }

    /** Success, the password as a JDBC URL parameter. */
    private Scenario inUrlParameter() {
        Scenario s = new Scenario("param");
        s.settings.put("source.jdbc_url", stack.jdbcUrl() + "?user=" + stack.get("MYSQL_USER") + "&password="
                + URLEncoder.encode(s.real("source.jdbc_url", stack.mysqlPassword()), StandardCharsets.UTF_8));
        s.env.put("RECALLCTL_REDIS_PASSWORD", s.real("redis.password", redisPasswords[0]));
        return s.written();
    }

    /**
     * Failing: MySQL on a closed port with credentials in the URL, Milvus down with a token, alerts delivered to
     * the receiver. Redis works, so a rebuild gets as far as MySQL and its report and alert carry MySQL's error.
     */
    private Scenario everythingDown() {
        Scenario s = new Scenario("down").failingFast();
        s.env.put("RECALLCTL_SOURCE_PASSWORD", s.secret("source.password"));
        s.settings.put("source.jdbc_url", "jdbc:mysql://recallctl:" + s.secret("source.jdbc_url") + "@127.0.0.1:"
                + closedPort + "/recall?password=" + s.secret("source.jdbc_url"));
        s.env.put("RECALLCTL_REDIS_PASSWORD", s.real("redis.password", redisPasswords[0]));
        s.settings.put("milvus.write_uri", "http://127.0.0.1:" + closedPort);
        s.env.put("RECALLCTL_MILVUS_TOKEN", "root:" + s.secret("milvus.token"));
        s.env.put("RECALLCTL_ALERT_WEBHOOK_URL", webhook(s.secret("alert.webhook_url")));
        return s.written();
    }

    /**
     * Failing: MySQL refusing a wrong password from a file, Redis unreachable with a password in its URL, a
     * webhook URL from a file that the HTTP client rejects, quoting it whole (a real echo).
     */
    private Scenario wrongCredentials() {
        Scenario s = new Scenario("wrong").failingFast();
        s.settings.put("source.password_file", s.file("db-pw", s.secret("source.password_file")).toString());
        s.settings.put("redis.url", "redis://:" + s.secret("redis.url") + "@127.0.0.1:" + closedPort);
        s.settings.put("redis.password_file", "");
        s.settings.put("milvus.token_file", s.file("milvus-token", s.secret("milvus.token_file")).toString());
        s.settings.put("alert.webhook_url_file", s.file("hook-url", webhook(s.secret("alert.webhook_url_file"))
                + " with a space").toString());
        return s.written();
    }

    /** Failing: Redis refuses the password; MySQL and Milvus work. */
    private Scenario redisRefuses() {
        Scenario s = new Scenario("refused").failingFast();
        s.settings.put("source.password_file", stack.get("MYSQL_PASSWORD_FILE"));
        s.env.put("RECALLCTL_REDIS_PASSWORD", s.secret("redis.password"));
        s.env.put("RECALLCTL_ALERT_WEBHOOK_URL", webhook(s.secret("alert.webhook_url")));
        return s.written();
    }

    @Test
    void everySecretSlotIsPlantedSomewhere() {
        Set<String> covered = new LinkedHashSet<>();
        Stream.of(fromEnvironment(), fromFiles(), inUrls(), inUrlParameter(), everythingDown(), wrongCredentials(),
                        redisRefuses())
                .forEach(s -> covered.addAll(s.slots));
        for (SecretSlots.Slot slot : SecretSlots.ALL) {
            assertThat(covered).as("secret slot " + slot.key() + " needs a planting in SecretsNeverLeaveIT").contains(slot.key());
            if (slot.fileKey() != null) {
                assertThat(covered).as("secret slot " + slot.fileKey() + " needs a planting").contains(slot.fileKey());
            }
        }
    }

    // ---- the runs ----------------------------------------------------------------------------------------

    @Test
    void successfulRunsOfEveryCommandShowNoSecret() throws Exception {
        Scenario s = fromEnvironment();
        String a = s.pipeline + "_a";
        ok(s, "demo", "seed", "--items", "300");
        ok(s, "config", "show");
        ok(s, "config", "show", "--json", "--origin");
        ok(s, "config", "validate");
        ok(s, "status");
        ok(s, "status", "--json");
        ok(s, "check");
        ok(s, "check", "--json");
        ok(s, "build", "--collection", a, "--json");
        ok(s, "warmup", "--collection", a, "-v");
        ok(s, "check", "--built", a);
        ok(s, "switch", "--to", a, "--json");
        ok(s, "search", "--item-id", "5", "--json");
        ok(s, "search", "--random", "2", "-v");
        ok(s, "rebuild", "--report", s.out("rebuild.json").toString(), "--json");
        ok(s, "rebuild", "--dry-run");
        ok(s, "rollback", "--json");
        ok(s, "prune", "--dry-run");
        ok(s, "prune", "--json");
        ok(s, "bench", "--queries", "5", "--param", "nprobe=4", "--concurrency", "1", "--warmup", "1",
                "--measure-queries", "5", "--out", s.out("bench").toString(), "--cache-dir", s.out("cache").toString());
        CliRun shell = scan(s, Cli.runWithInput("status --config " + s.config + "\nsearch --config " + s.config
                + " --item-id 3\nquit\n", s.env, "shell", "--history-file", s.out("history").toString()));
        assertThat(shell.exitCode()).as(shell.toString()).isZero();
        assertThat(webhookBodies).as("alerts on success reached the receiver").isNotEmpty();
        scanRedis();

        CliRun launched = launch(s, "rebuild", "-v", "--report", s.out("launched.json").toString());
        assertThat(launched.exitCode()).as(launched.toString()).isZero();
        scanFiles(s);
    }

    @Test
    void secretsFromFilesAndInsideUrlsShowNowhereEither() throws Exception {
        for (Scenario s : List.of(fromFiles(), inUrls(), inUrlParameter())) {
            ok(s, "demo", "seed", "--items", "120");
            ok(s, "config", "show", "--origin");
            ok(s, "status", "--json");
            ok(s, "check", "--json");
            ok(s, "rebuild", "--report", s.out("rebuild.json").toString());
            ok(s, "search", "--item-id", "7", "-v");
            if (s.label.equals("urls")) {
                // an operator debugging the pool: Hikari prints its JDBC URL (user:password@ and all) to stderr itself
                Map<String, String> env = new LinkedHashMap<>(s.env);
                env.put("JAVA_OPTS", "-Dorg.slf4j.simpleLogger.log.com.zaxxer.hikari=debug");
                CliRun debug = launch(s, env, "status", "-v");
                assertThat(debug.exitCode()).as(debug.toString()).isZero();
                assertThat(debug.err()).as("Hikari did print its URL").contains("jdbcUrl");
            }
            scanFiles(s);
        }
        scanRedis();
    }

    @Test
    void failingRunsOfEveryCommandShowNoSecret() throws Exception {
        for (Scenario s : List.of(everythingDown(), wrongCredentials())) {
            int alertsBefore = webhookBodies.size();
            fails(s, "status", "--json", "-v");
            fails(s, "status");
            fails(s, "check", "-v");
            fails(s, "check", "--json");
            fails(s, "build", "-v");
            fails(s, "warmup", "--collection", s.pipeline + "_x", "-v");
            fails(s, "check", "--built", s.pipeline + "_x", "--json");
            fails(s, "switch", "--to", s.pipeline + "_x", "-v");
            fails(s, "rebuild", "--report", s.out("rebuild.json").toString(), "-v");
            fails(s, "rebuild", "--json");
            fails(s, "rebuild", "--dry-run", "-v");
            fails(s, "rollback", "-v");
            fails(s, "prune", "-v");
            fails(s, "search", "--item-id", "1", "-v");
            fails(s, "search", "--vector", "[" + "0.1,".repeat(127) + "0.1]", "--json");
            fails(s, "bench", "--queries", "3", "--out", s.out("bench").toString(), "-v");
            fails(s, "demo", "seed", "--items", "10", "-v");
            ok(s, "config", "show", "--origin");
            scan(s, Cli.runWithInput("status --config " + s.config + "\ncheck --config " + s.config + " -v\nquit\n",
                    s.env, "shell", "--history-file", s.out("history").toString()));
            CliRun launched = launch(s, "rebuild", "-v", "--report", s.out("launched.json").toString());
            assertThat(launched.exitCode()).as(launched.toString()).isNotZero();
            launched = launch(s, "status", "-v");
            assertThat(launched.exitCode()).as(launched.toString()).isEqualTo(4);
            scanFiles(s);
            if (s.label.equals("down")) {
                assertThat(webhookBodies.size()).as("failure alerts reached the receiver").isGreaterThan(alertsBefore);
            }
        }
        Scenario s = redisRefuses();
        int alertsBefore = webhookBodies.size();
        fails(s, "status", "--json", "-v");
        fails(s, "check", "-v");
        fails(s, "switch", "--to", s.pipeline + "_x", "--json");
        fails(s, "rollback", "-v");
        fails(s, "prune", "--json");
        fails(s, "rebuild", "--report", s.out("rebuild.json").toString(), "-v");
        fails(s, "search", "--item-id", "1");
        scanFiles(s);
        assertThat(webhookBodies.size()).as("failure alerts reached the receiver").isGreaterThan(alertsBefore);
        scanRedis();
    }

    @Test
    void configErrorsQuoteNoSecret() {
        Scenario s = new Scenario("config").written();
        String inUri = s.secret("milvus.write_uri");
        fails(s, "config", "validate", "--set", "milvus.write_uri=http://root:" + inUri + "@127.0.0.1:19530");
        fails(s, "config", "validate", "--set", "source.jdbc_url=jdbc:mysql://u:" + s.secret("source.jdbc_url")
                + "@127.0.0.1/recall", "--set", "collection.base_name=not a name");
        fails(s, "status", "--set", "redis.url=redis://:" + s.secret("redis.url") + "@127.0.0.1:1", "--set",
                "redis.password=" + s.secret("redis.password"));
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private CliRun run(Scenario s, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--config");
        all.add(s.config.toString());
        return scan(s, Cli.run(s.env, all.toArray(String[]::new)));
    }

    private void ok(Scenario s, String... args) {
        CliRun r = run(s, args);
        assertThat(r.exitCode()).as(String.join(" ", args) + " in scenario " + s.label + "\n" + r).isZero();
    }

    private void fails(Scenario s, String... args) {
        CliRun r = run(s, args);
        assertThat(r.exitCode()).as(String.join(" ", args) + " in scenario " + s.label + "\n" + r).isNotZero();
    }

    /** bin/recallctl as a real process: everything it prints, libraries included, is scanned. */
    private CliRun launch(Scenario s, String... args) throws IOException, InterruptedException {
        return launch(s, s.env, args);
    }

    private CliRun launch(Scenario s, Map<String, String> env, String... args) throws IOException, InterruptedException {
        String project = System.getenv().getOrDefault("RECALLCTL_PROJECT_DIR", Path.of("").toAbsolutePath().toString());
        List<String> cmd = new ArrayList<>(List.of(project + "/bin/recallctl"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--config", s.config.toString()));
        Path out = s.dir.resolve("launched.out");
        Path err = s.dir.resolve("launched.err");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(s.dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("launched " + cmd).isTrue();
        return scan(s, new CliRun(p.exitValue(), Files.readString(out), Files.readString(err)));
    }

    private CliRun scan(Scenario s, CliRun r) {
        String what = "scenario " + s.label + ": " + r;
        assertClean("stdout of " + what, r.out());
        assertClean("stderr of " + what, r.err());
        List<String> bodies;
        synchronized (webhookBodies) {
            bodies = List.copyOf(webhookBodies);
        }
        for (String b : bodies) {
            assertClean("a webhook body (" + what + ")", b);
        }
        return r;
    }

    /** Every file the runs wrote (reports, bench results and queries, ground-truth cache, shell history). */
    private void scanFiles(Scenario s) throws IOException {
        try (Stream<Path> files = Files.walk(s.dir.resolve("out"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertClean("file " + f, new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        assertThat(s.out("rebuild.json")).as("the run report was written").exists();
    }

    /** Whatever recallctl keeps in Redis (pointers, history, lock, journal) must not hold a secret either. */
    private void scanRedis() {
        try (Jedis j = new Jedis("127.0.0.1", redis.port())) {
            j.auth(redisPasswords[0]);
            for (String key : j.keys("*")) {
                String value = switch (j.type(key)) {
                    case "string" -> j.get(key);
                    case "list" -> String.join("\n", j.lrange(key, 0, -1));
                    case "hash" -> j.hgetAll(key).toString();
                    case "set" -> j.smembers(key).toString();
                    case "zset" -> j.zrange(key, 0, -1).toString();
                    default -> "";
                };
                assertClean("Redis key " + key, key + "\n" + value);
            }
        }
    }

    private void assertClean(String where, String text) {
        Map<String, String> secrets;
        synchronized (planted) {
            secrets = Map.copyOf(planted);
        }
        secrets.forEach((secret, slot) -> {
            if (text.contains(secret)) {
                int at = text.indexOf(secret);
                throw new AssertionError("the secret planted in " + slot + " leaked into " + where.split("\n")[0]
                        + ": ..." + text.substring(Math.max(0, at - 120), Math.min(text.length(), at + secret.length() + 40))
                        + "...\n" + where);
            }
        });
    }
}
