package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.vector.request.QueryReq;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.RecallConfig;
import org.recallctl.config.Redactor;
import org.recallctl.error.RecallctlException;
import org.recallctl.milvus.Hit;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.milvus.Partitions;
import org.recallctl.output.Json;
import org.recallctl.output.Log;
import org.recallctl.output.Progress;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.source.MysqlItemSource;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.LaunchedCli;
import org.recallctl.testing.TestStack;

/**
 * Issue 12 §4, the resumable build, on the real stack: a real build process killed with SIGKILL half-way, then
 * {@code rebuild --resume}: exactly the source's rows per partition, no duplicate id, the same (exact, FLAT)
 * search answers as a clean build, and fewer rows read than the clean build read (counted in the report). And
 * the refusals: a changed source, a changed build config, a vanished target, nothing to resume.
 */
@Tag("integration")
class ResumeBuildIT {
    private static final int ROWS = 12_000;
    private final TestStack stack = TestStack.get();
    @TempDir
    Path dir;
    private RecallConfig cfg;

    private static Map<String, String> settings(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>();
        m.put("warmup.max_queries", "20");
        m.put("warmup.window", "10");
        m.put("warmup.timeout_s", "60");
        m.put("build.batch_rows", "100");
        m.put("build.readers", "3");
        m.put("build.writers", "1");
        m.put("build.lock_ttl_s", "5");
        m.put("index.type", "FLAT");
        m.put("thresholds.max_growth_pct", "");
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
        CollectionFixture.dropPipeline(cfg, cfg.pipeline());
    }

    private long checkpointRowsWritten(RedisPointerStore p) throws Exception {
        long n = 0;
        for (var e : p.checkpoints().read().entrySet()) {
            if (e.getKey().startsWith("range:")) {
                n += Json.mapper().readTree(e.getValue()).path("rows_written").asLong();
            }
        }
        return n;
    }

    private static void awaitLockFree(RedisPointerStore p) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (p.lockHolder().isPresent() && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        assertThat(p.lockHolder()).as("the killed run's lock expired").isEmpty();
    }

    /** Every id in the collection, as Milvus returns them (a duplicate shows up twice), paged by id range. */
    private List<Long> allIds(String collection) {
        List<Long> ids = new ArrayList<>();
        MilvusClientV2 client = new MilvusClientV2(ConnectConfig.builder().uri(cfg.milvus().writeUri()).build());
        try {
            String f = cfg.collection().idField();
            for (long from = 0; from < ROWS * 4L; from += 5000) {
                var r = client.query(QueryReq.builder().collectionName(collection)
                        .filter(f + " >= " + from + " and " + f + " < " + (from + 5000)).outputFields(List.of(f))
                        .limit(16_000).consistencyLevel(ConsistencyLevel.STRONG).build());
                r.getQueryResults().forEach(q -> ids.add(((Number) q.getEntity().get(f)).longValue()));
            }
        } finally {
            client.close();
        }
        return ids;
    }

    private static double recall(List<List<Hit>> got, List<List<Long>> exact) {
        double sum = 0;
        for (int q = 0; q < exact.size(); q++) {
            Set<Long> g = new HashSet<>();
            got.get(q).forEach(h -> g.add(h.id()));
            sum += exact.get(q).stream().filter(g::contains).count() / (double) exact.get(q).size();
        }
        return sum / exact.size();
    }

    /** Brute-force inner-product TopK over the source vectors. */
    private static List<List<Long>> exactTopK(Map<Long, float[]> vectors, List<float[]> queries, int k) {
        List<List<Long>> out = new ArrayList<>();
        for (float[] q : queries) {
            List<Map.Entry<Long, Double>> scored = new ArrayList<>();
            vectors.forEach((id, v) -> {
                double s = 0;
                for (int i = 0; i < v.length; i++) {
                    s += q[i] * v[i];
                }
                scored.add(Map.entry(id, s));
            });
            scored.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
            out.add(scored.subList(0, k).stream().map(Map.Entry::getKey).toList());
        }
        return out;
    }

    /**
     * kill -9 of a real rebuild process once its checkpoint shows about a third of the rows confirmed, then
     * {@code rebuild --resume}. Fails without the tail deletion (acknowledged rows above the confirmed id come
     * twice), with a watermark that runs ahead of the acknowledgements (rows lost), or when the resume reads the
     * confirmed ranges again (rows read not below the clean build's).
     */
    @Test
    @Tag("full-engine")
    void aKilledRebuildResumesToExactlyTheSourceWithoutReadingConfirmedRangesAgain() throws Exception {
        String name = TestStack.unique("resume");
        cfg = stack.load(name, settings(Map.of())).config();
        Path conf = stack.writeConfigFile(dir, name, settings(Map.of()));
        Map<String, String> env = Map.of("RECALLCTL_CONFIG", conf.toString());
        CollectionFixture.seedSource(cfg, ROWS, 11);
        // a sparse partition: p3 keeps one row in ten, so its open batch fills slowly and holds ids far below the
        // reader's position; a checkpoint that ignored open batches would confirm (and lose) them
        sql("DELETE FROM `" + name + "` WHERE MOD(item_id, 4) = 3 AND MOD(item_id, 40) <> 3");
        long rows;
        try (MysqlItemSource s = MysqlItemSource.open(cfg, 1)) {
            rows = s.count();
        }

        // the baseline: a clean build of the same source reads every row
        CliRun clean = Cli.run(env, "build", "--collection", name + "_clean", "--report", dir.resolve("clean.json").toString());
        assertThat(clean.exitCode()).as(clean.toString()).isZero();
        JsonNode cleanReport = Json.mapper().readTree(Files.readString(dir.resolve("clean.json")));
        long cleanRead = cleanReport.at("/counts/rows_read").asLong();
        assertThat(cleanRead).isEqualTo(rows);

        String target;
        long confirmedAtKill;
        try (RedisPointerStore p = RedisPointerStore.connect(cfg);
             LaunchedCli run = LaunchedCli.start(dir, "rebuild", "--config", conf.toString())) {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (checkpointRowsWritten(p) < rows / 3 && run.isAlive() && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertThat(run.isAlive()).as("still building when a third is confirmed: " + run.stderr()).isTrue();
            run.kill();
            assertThat(run.waitFor(30)).isEqualTo(137);
            confirmedAtKill = checkpointRowsWritten(p);
            assertThat(confirmedAtKill).isBetween(rows / 3, rows - 1);
            target = BuildCheckpoint.target(p.checkpoints()).orElseThrow();
            assertThat(p.building()).as("key2 still names the killed run's target").contains(target);
            assertThat(p.current()).as("nothing switched").isEmpty();
            awaitLockFree(p);
        }

        CliRun resumed = Cli.run(env, "rebuild", "--resume", "--report", dir.resolve("resumed.json").toString());
        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        JsonNode report = Json.mapper().readTree(Files.readString(dir.resolve("resumed.json")));
        assertThat(report.path("command").asText()).isEqualTo("rebuild --resume");
        assertThat(report.at("/pointers/target").asText()).isEqualTo(target);
        long readNow = report.at("/counts/rows_read").asLong();
        long before = report.at("/counts/rows_confirmed_before").asLong();
        assertThat(before).as("the resume took what the killed run confirmed").isGreaterThanOrEqualTo(confirmedAtKill);
        assertThat(readNow).as("rows read by the resume vs the clean build").isLessThan(cleanRead);
        assertThat(readNow + before).isEqualTo(rows);
        System.err.printf("resume: clean build read %d rows; killed at %d confirmed; resume read %d, took %d as confirmed%n",
                cleanRead, confirmedAtKill, readNow, before);
        assertThat(report.at("/decisions").toString()).contains("resumed from the checkpoint");

        try (RedisPointerStore p = RedisPointerStore.connect(cfg); MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus());
             MysqlItemSource source = MysqlItemSource.open(cfg, 1)) {
            assertThat(p.current()).contains(target);
            assertThat(p.checkpoints().read()).as("a finished build leaves no checkpoint").isEmpty();
            int parts = cfg.collection().partitions();
            Map<Integer, Long> sourceByPartition = source.countByPartition(parts);
            // count(*) over the loaded collection sees deletes exactly and counts a duplicated id twice on the real
            // engine (milvus-lite overwrites a duplicate primary key, ignores count(*)'s partition list, and its
            // statistics are exact; the real engine's statistics count deleted rows until compaction)
            assertThat(milvus.countLoaded(target, Partitions.names(parts))).as("count(*)").isEqualTo(rows);
            for (int i = 0; i < parts; i++) {
                String part = Partitions.name(i);
                long inPart = stack.isFullEngine() ? milvus.countLoaded(target, List.of(part)) : milvus.partitionRowCount(target, part);
                assertThat(inPart).as("rows of " + part).isEqualTo(sourceByPartition.get(i));
            }
            List<Long> ids = allIds(target);
            assertThat(ids).as("one row per id").hasSize((int) rows);
            assertThat(new HashSet<>(ids)).as("distinct ids = rows").hasSize((int) rows);

            // the same answers as the clean build, and exact on FLAT
            milvus.load(name + "_clean", 120_000, i -> { });
            var seeded = CollectionFixture.readSource(cfg);
            List<float[]> queries = new ArrayList<>();
            List<Long> order = new ArrayList<>(seeded.vectors().keySet());
            for (int i = 0; i < 20; i++) {
                queries.add(seeded.vectors().get(order.get((i * 587) % order.size())));
            }
            List<List<Long>> exact = exactTopK(seeded.vectors(), queries, 10);
            List<String> all = Partitions.names(parts);
            var got = milvus.search(target, all, cfg.collection().vectorField(), queries, 10, Map.of(), null, List.of());
            var base = milvus.search(name + "_clean", all, cfg.collection().vectorField(), queries, 10, Map.of(), null, List.of());
            double r = recall(got, exact);
            assertThat(r).isEqualTo(recall(base, exact));
            assertThat(r).isGreaterThanOrEqualTo(0.99);
        }
    }

    /**
     * An interrupted build (a fault after some batches) leaves its checkpoint; a resume refuses with exit 3 and
     * the reason when the build config or the source changed, or when the target vanished; with the source back
     * as it was, {@code build --resume} completes it exactly; and with nothing left, a resume refuses. Fails when
     * a refusal check is missing (the resume would run, exit 0, over a source it never read).
     */
    @Test
    void aResumeRefusesAChangedSourceAChangedConfigAVanishedTargetAndNothingToResume() throws Exception {
        String name = TestStack.unique("resref");
        cfg = stack.load(name, settings(Map.of())).config();
        Path conf = stack.writeConfigFile(dir, name, settings(Map.of()));
        Map<String, String> env = Map.of("RECALLCTL_CONFIG", conf.toString());
        CollectionFixture.seedSource(cfg, 3000, 5);
        String target = interrupted();

        CliRun config = Cli.run(env, "rebuild", "--resume", "--set", "index.type=IVF_FLAT");
        assertThat(config.exitCode()).as(config.toString()).isEqualTo(3);
        assertThat(config.err()).contains("cannot resume").contains("config changed").contains("index");

        sql("INSERT INTO `" + name + "` (item_id, vector, category, brand) SELECT item_id + 1000000, vector, category, brand FROM `"
                + name + "` ORDER BY item_id LIMIT 1");
        CliRun changed = Cli.run(env, "build", "--resume");
        assertThat(changed.exitCode()).as(changed.toString()).isEqualTo(3);
        assertThat(changed.err()).contains("cannot resume").contains("source table").contains("changed")
                .contains("3000 rows").contains("3001 rows");
        sql("DELETE FROM `" + name + "` WHERE item_id >= 1000000");

        CliRun ok = Cli.run(env, "build", "--resume", "--json");
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        try (MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus()); RedisPointerStore p = RedisPointerStore.connect(cfg)) {
            assertThat(milvus.rowCount(target)).isEqualTo(3000);
            assertThat(p.building()).contains(target);
        }
        CliRun nothing = Cli.run(env, "build", "--resume");
        assertThat(nothing.exitCode()).as(nothing.toString()).isEqualTo(3);
        assertThat(nothing.err()).contains("nothing to resume");

        String again = interrupted();
        try (MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            milvus.dropCollection(again);
        }
        CliRun vanished = Cli.run(env, "rebuild", "--resume");
        assertThat(vanished.exitCode()).as(vanished.toString()).isEqualTo(3);
        assertThat(vanished.err()).contains("no longer exists");
    }

    /**
     * build.method import on the real engine: a real rebuild killed (SIGKILL) once its import jobs started; the
     * record of partition p1's job is then removed, as if the kill came before it was started. The resume waits for
     * the jobs the killed run started (the server imports without us), keeps the partitions that completed and
     * does not read their rows again, empties p1 (the server did import it) and imports it again: exactly the
     * source's rows per partition, no duplicate. Fails when p1 is not emptied (its rows twice) or when completed
     * partitions are read again.
     */
    @Test
    @Tag("full-engine")
    void aKilledImportBuildResumesByPartitionWithoutReadingImportedPartitionsAgain() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(stack.isFullEngine(), "needs the full engine: bin/test --milvus full");
        String name = TestStack.unique("resimp");
        Path shared = dir.resolve("shared").toAbsolutePath();
        Map<String, String> o = settings(Map.of("build.method", "import", "build.import.local_dir", shared.toString(),
                "build.batch_rows", "1000"));
        cfg = stack.load(name, o).config();
        Path conf = stack.writeConfigFile(dir, name, o);
        CollectionFixture.seedSource(cfg, ROWS, 13);
        String target;
        try (RedisPointerStore p = RedisPointerStore.connect(cfg);
             redis.clients.jedis.RedisClient raw = redis.clients.jedis.RedisClient.create("127.0.0.1", stack.redisPort());
             LaunchedCli run = LaunchedCli.start(dir, "rebuild", "--config", conf.toString())) {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            while (!p.checkpoints().read().containsKey("import:0") && run.isAlive() && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertThat(run.isAlive()).as("importing: " + run.stderr()).isTrue();
            run.kill();
            assertThat(run.waitFor(30)).isEqualTo(137);
            raw.hdel(p.checkpoints().key(), "import:1");
            target = BuildCheckpoint.target(p.checkpoints()).orElseThrow();
            awaitLockFree(p);
        }
        // A run killed between its Import request and the checkpoint write leaves a job only the server knows
        // (a clean-clone CI run hit it for p3: imported twice, as the partition was still empty when the resume
        // looked). Make that window certain for p1: empty it, then two unrecorded jobs of its own files, the
        // second queued behind the first, so they are still running when the resume starts.
        try (MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            List<String> files = filesOf(shared, Partitions.name(1));
            milvus.recreatePartition(target, Partitions.name(1));
            milvus.startImport(target, Partitions.name(1), files);
            milvus.startImport(target, Partitions.name(1), files);
        }
        CliRun resumed = Cli.run(Map.of("RECALLCTL_CONFIG", conf.toString()), "rebuild", "--resume", "--report",
                dir.resolve("resumed.json").toString());
        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        assertThat(resumed.err()).as("the unrecorded job was waited for").contains("left import tasks");
        JsonNode report = Json.mapper().readTree(Files.readString(dir.resolve("resumed.json")));
        long readNow = report.at("/counts/rows_read").asLong();
        long before = report.at("/counts/rows_confirmed_before").asLong();
        try (RedisPointerStore p = RedisPointerStore.connect(cfg); MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus());
             MysqlItemSource source = MysqlItemSource.open(cfg, 1)) {
            Map<Integer, Long> bySource = source.countByPartition(4);
            System.err.printf("import resume: read %d, took %d as imported (p0 %d, p1 %d rows)%n", readNow, before,
                    bySource.get(0), bySource.get(1));
            assertThat(readNow + before).isEqualTo(ROWS);
            assertThat(readNow).as("p1 read again, p0 (its import recorded) not").isGreaterThanOrEqualTo(bySource.get(1))
                    .isLessThanOrEqualTo(ROWS - bySource.get(0));
            assertThat(p.current()).contains(target);
            assertThat(milvus.countLoaded(target, Partitions.names(4))).as("count(*)").isEqualTo(ROWS);
            for (int i = 0; i < 4; i++) {
                assertThat(milvus.countLoaded(target, List.of(Partitions.name(i)))).as("p" + i).isEqualTo(bySource.get(i));
            }
            List<Long> ids = allIds(target);
            assertThat(ids).hasSize(ROWS);
            assertThat(new HashSet<>(ids)).hasSize(ROWS);
        }
    }

    /** The import files the killed run wrote for {@code partition} (one directory per partition), by absolute path. */
    private static List<String> filesOf(Path shared, String partition) throws Exception {
        try (var files = Files.walk(shared)) {
            List<String> found = files.filter(Files::isRegularFile)
                    .filter(f -> f.getParent().getFileName().toString().equals(partition))
                    .map(f -> f.toAbsolutePath().toString()).sorted().toList();
            assertThat(found).as("import files of " + partition + " under " + shared).isNotEmpty();
            return found;
        }
    }

    /** A rebuild that fails after a few acknowledged batches; returns its target (named by its checkpoint). */
    private String interrupted() {
        AtomicInteger batches = new AtomicInteger();
        RebuildChain chain = new RebuildChain(cfg, quiet(), Progress.none(), Clock.systemUTC(), new RebuildChain.Hooks() {
            @Override
            public BuildListener buildListener() {
                return new BuildListener() {
                    @Override
                    public void batchWritten(int partition, int rows) {
                        if (batches.incrementAndGet() == 8) {
                            throw new IllegalStateException("injected fault after 8 batches");
                        }
                    }
                };
            }
        });
        assertThatThrownBy(() -> chain.run(false, null)).hasMessageContaining("injected fault");
        try (RedisPointerStore p = RedisPointerStore.connect(cfg)) {
            return BuildCheckpoint.target(p.checkpoints()).orElseThrow();
        }
    }

    private void sql(String statement) throws Exception {
        try (MysqlItemSource s = MysqlItemSource.open(cfg, 1); Connection c = s.connection(); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }
}
