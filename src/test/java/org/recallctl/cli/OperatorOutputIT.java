package org.recallctl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.RecallConfig;
import org.recallctl.config.Redactor;
import org.recallctl.error.DependencyException;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.pipeline.BuildListener;
import org.recallctl.pipeline.BuildStep;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.session.Connections;
import org.recallctl.source.MysqlItemSource;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.ServerProcess;
import org.recallctl.testing.TestStack;

/**
 * Issue 14 §5 and §6: what an operator reads. Errors from real stopped (SIGKILL, port closed) and hung (SIGSTOP)
 * private servers are one line that names the server, what recallctl was doing and what happened, never gRPC's
 * or a driver's dump; {@code --verbose} still shows that detail. And the dry run's plan stays a readable table.
 */
@Tag("integration")
class OperatorOutputIT {
    /** Pieces of raw gRPC, SDK and driver text that must never reach the one-line error. */
    private static final List<String> RAW = List.of("DEADLINE_EXCEEDED", "UNAVAILABLE", "buffered_nanos",
            "wait_for_ready", "Name resolution delay", "[closed=", "Retry timeout", "maxRetry", "io.milvus.shaded",
            "Exception", "Communications link failure", "The last packet", "Failed to initialize pool");

    private final TestStack stack = TestStack.get();
    @TempDir
    Path dir;

    private static void assertOneCleanLine(CliRun r, String startsWith) {
        List<String> errors = r.err().lines().filter(l -> l.startsWith("recallctl: error: ")).toList();
        assertThat(errors).as(r.toString()).hasSize(1);
        assertThat(errors.get(0)).startsWith(startsWith).contains("is it up?");
        for (String raw : RAW) {
            assertThat(r.err() + r.out()).as("no '" + raw + "' in " + r).doesNotContain(raw);
        }
    }

    @Test
    void aStoppedMilvusIsOneLineAndVerboseKeepsTheDetail() {
        String name = TestStack.unique("errdead");
        int port;
        try (ServerProcess server = ServerProcess.milvusLite(stack)) {
            port = server.port();
        } // killed: nothing listens there any more
        Path conf = stack.writeConfigFile(dir, name, Map.of("milvus.write_uri", "http://127.0.0.1:" + port,
                "milvus.connect_timeout_ms", "1500"));
        CollectionFixture.seedSource(stack.config(name), 10, 1);
        String prefix = "recallctl: error: Milvus unreachable at http://127.0.0.1:" + port + " (connect): ";
        CliRun status = Cli.run("status", "--config", conf.toString());
        assertThat(status.exitCode()).isEqualTo(4);
        assertOneCleanLine(status, prefix + "no answer within 1.5 s");
        CliRun search = Cli.run("--config", conf.toString(), "search", "--collection", name + "_a", "--random", "1");
        assertThat(search.exitCode()).isEqualTo(4);
        assertOneCleanLine(search, prefix + "no answer within 1.5 s");
        assertThat(search.err()).contains("recallctl: rerun with --verbose for details");
        CliRun verbose = Cli.run("--config", conf.toString(), "search", "--collection", name + "_a", "--random", "1", "-v");
        assertThat(verbose.exitCode()).isEqualTo(4);
        assertThat(verbose.err()).contains(prefix).contains("DEADLINE_EXCEEDED").contains("waiting_for_connection");
    }

    /** The case seen in the shell: a warm connection to a server that hangs; the search meets its deadline. */
    @Test
    void aHungMilvusUnderAWarmConnectionSaysItDidNotAnswerInTime() {
        try (ServerProcess server = ServerProcess.milvusLite(stack); Connections session = Connections.session()) {
            String name = TestStack.unique("errhung");
            Map<String, String> o = Map.of("milvus.write_uri", "http://127.0.0.1:" + server.port(),
                    "search.timeout_ms", "1500", "milvus.rpc_deadline_ms", "1500", "milvus.max_retries", "0",
                    "milvus.max_retry_ms", "1500");
            Path conf = stack.writeConfigFile(dir, name, o);
            CollectionFixture.build(stack.load(name, o).config(), name + "_a", 100, "FLAT", Map.of());
            String[] args = {"--config", conf.toString(), "search", "--collection", name + "_a", "--item-id", "1"};
            CliRun warm = inSession(session, args);
            assertThat(warm.exitCode()).as(warm.toString()).isZero();
            server.suspend();
            try {
                CliRun hung = inSession(session, args);
                assertThat(hung.exitCode()).isEqualTo(4);
                assertOneCleanLine(hung, "recallctl: error: ");
                assertThat(hung.err()).contains("Milvus unreachable at http://127.0.0.1:" + server.port() + " (")
                        .contains("no answer within 1.5 s");
                CliRun verbose = inSession(session, append(args, "--verbose"));
                assertThat(verbose.err()).contains("DEADLINE_EXCEEDED");
            } finally {
                server.resume();
            }
        }
    }

    /** The case seen at build: the server hangs mid-insert; the build stops with a line, not the SDK's retry text. */
    @Test
    void aMilvusThatHangsMidBuildIsOneCleanLine() {
        try (ServerProcess server = ServerProcess.milvusLite(stack)) {
            String name = TestStack.unique("errbuild");
            RecallConfig cfg = stack.load(name, Map.of("milvus.write_uri", "http://127.0.0.1:" + server.port(),
                    "milvus.rpc_deadline_ms", "2000", "milvus.max_retries", "1", "milvus.max_retry_ms", "3000",
                    "build.batch_rows", "100")).config();
            CollectionFixture.seedSource(cfg, 600, 3);
            AtomicBoolean suspended = new AtomicBoolean();
            BuildListener hang = new BuildListener() {
                @Override
                public void batchWritten(int partition, int rows) {
                    if (suspended.compareAndSet(false, true)) {
                        server.suspend();
                    }
                }
            };
            try (MysqlItemSource source = MysqlItemSource.open(cfg, 1); MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
                assertThatThrownBy(() -> new BuildStep(cfg, source, milvus, hang).run(name + "_a", Optional.empty(),
                        Optional.empty())).isInstanceOf(DependencyException.class).satisfies(e -> {
                            String line = new Redactor().redact(e.getMessage());
                            assertThat(line).startsWith("Milvus unreachable at http://127.0.0.1:" + server.port() + " (")
                                    .contains("is it up?").doesNotContain("\n");
                            RAW.forEach(raw -> assertThat(line).doesNotContain(raw));
                        });
            } finally {
                server.resume();
            }
            assertThat(suspended).isTrue();
        }
    }

    @Test
    void aStoppedRedisAndAClosedMysqlPortAreOneCleanLineEach() {
        String name = TestStack.unique("errdeps");
        CollectionFixture.seedSource(stack.config(name), 10, 1);
        int redisPort;
        try (ServerProcess redis = ServerProcess.redis(stack)) {
            redisPort = redis.port();
        }
        CliRun redisDown = Cli.run("status", "--config", stack.writeConfigFile(dir, name,
                Map.of("redis.url", "redis://127.0.0.1:" + redisPort, "redis.timeout_ms", "500")).toString());
        assertThat(redisDown.exitCode()).isEqualTo(4);
        assertOneCleanLine(redisDown, "recallctl: error: Redis unreachable at redis://127.0.0.1:" + redisPort
                + " (ping): connection refused; is it up? check redis.url");
        int mysqlPort = ServerProcess.freePort();
        CliRun mysqlDown = Cli.run("status", "--config", stack.writeConfigFile(dir, name + "m", Map.of(
                "source.jdbc_url", "jdbc:mysql://127.0.0.1:" + mysqlPort + "/recall", "source.connect_timeout_ms",
                "1000")).toString());
        assertThat(mysqlDown.exitCode()).isEqualTo(4);
        assertOneCleanLine(mysqlDown, "recallctl: error: MySQL unreachable at 127.0.0.1:" + mysqlPort
                + "/recall (");
        assertThat(mysqlDown.err()).contains("connection refused; is it up? check source.jdbc_url");
    }

    /** Issue 14 §6: a long REFUSE verdict used to push "source rows S" about a hundred columns to the right. */
    @Test
    void aRefusingDryRunPrintsAPlanWithItsValuesInOneColumn() {
        String name = TestStack.unique("errplan");
        CollectionFixture.seedSource(stack.config(name), 20, 1);
        Path conf = stack.writeConfigFile(dir, name, Map.of());
        try {
            CliRun r = Cli.run("--config", conf.toString(), "rebuild", "--dry-run", "--set", "thresholds.min_rows=1000000",
                    "--set", "thresholds.max_growth_rows=5");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
            List<String> plan = r.out().lines().takeWhile(l -> !l.startsWith("dry run:")).toList();
            int column = plan.get(0).indexOf("VALUE");
            assertThat(column).isPositive();
            for (String line : plan.subList(1, plan.size())) {
                assertThat(line.length()).as(line).isLessThanOrEqualTo(column + 82).isGreaterThan(column);
                boolean continuation = line.substring(0, column).isBlank();
                int start = continuation ? column + 2 : column; // folded lines are indented by two
                assertThat(line.charAt(start - 1)).as(line).isEqualTo(' ');
                assertThat(line.charAt(start)).as("value starts at the VALUE column: " + line).isNotEqualTo(' ');
            }
            assertThat(plan).anySatisfy(l -> assertThat(l).matches("source rows S +20"));
            assertThat(String.join(" ", plan).replaceAll("\\s+", " ")).contains("below thresholds.min_rows = 1000000");
        } finally {
            try (RedisPointerStore p = RedisPointerStore.connect(stack.config(name))) {
                p.deleteAll();
            }
        }
    }

    private static CliRun inSession(Connections session, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext ctx = new CliContext(new PrintWriter(out, true), new PrintWriter(err, true), new HashMap<>(), null,
                false, new Redactor()).withConnections(session);
        int code = CommandLineFactory.create(ctx).execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    private static String[] append(String[] args, String extra) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add(extra);
        return all.toArray(String[]::new);
    }
}
