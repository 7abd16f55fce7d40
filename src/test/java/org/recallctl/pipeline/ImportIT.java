package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.RecallConfig;
import org.recallctl.config.Redactor;
import org.recallctl.error.ExitCodes;
import org.recallctl.error.RecallctlException;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.milvus.Partitions;
import org.recallctl.output.Log;
import org.recallctl.output.Progress;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.source.MysqlItemSource;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.LaunchedCli;
import org.recallctl.testing.TestStack;

/** build --method import (issue 11 §2): the same rows and report as inserts, and the same safety when it fails. */
@Tag("integration")
class ImportIT {
    private final TestStack stack = TestStack.get();

    private static void needsFullEngine(TestStack stack) {
        Assumptions.assumeTrue(stack.isFullEngine(), "needs the full engine: bin/test --milvus full");
        // an engine on S3 storage reads import files from its bucket only (S3ImportIT), never from local paths
        Assumptions.assumeFalse(stack.milvusS3(), "local import files need the engine on local storage, not --s3");
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    @Tag("full-engine")
    void importFromAbsoluteLocalPathsWritesWhatInsertWritesWithTheSameRejectionsAndRemovesItsFiles(@TempDir Path dir)
            throws Exception {
        needsFullEngine(stack);
        String name = TestStack.unique("imp");
        CollectionFixture.seedSource(stack.config(name), 3000, 5);
        BuildStepIT.spoil(stack.config(name), name + "_v");
        Path shared = dir.resolve("shared").toAbsolutePath();
        Map<String, String> o = Map.of("source.table", name + "_v", "source.normalize", "true",
                "thresholds.max_bad_rows", "1%", "build.import.local_dir", shared.toString());
        RecallConfig insertCfg = stack.load(name, o).config();
        Map<String, String> imp = new HashMap<>(o);
        imp.put("build.method", "import");
        RecallConfig importCfg = stack.load(name, imp).config();
        try (MysqlItemSource s = MysqlItemSource.open(insertCfg, 2);
             MilvusGateway milvus = MilvusGateway.forWrites(insertCfg.milvus())) {
            BuildResult inserted = new BuildStep(insertCfg, s, milvus, null).run(name + "_i", Optional.empty(),
                    Optional.empty());
            AtomicReference<List<Path>> during = new AtomicReference<>();
            BuildListener watch = new BuildListener() {
                @Override
                public void phase(String phase) {
                    if ("import".equals(phase)) {
                        try {
                            during.set(files(shared));
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            };
            BuildResult imported = new BuildStep(importCfg, s, milvus, watch).run(name + "_m", Optional.empty(),
                    Optional.empty());

            assertImportedWhatInsertWrote(milvus, imported, name + "_m", inserted, name + "_i");
            assertThat(during.get()).as("files while importing").hasSize(4 * 4)
                    .allMatch(Path::isAbsolute).allMatch(f -> f.toString().endsWith(".npy"));
            assertThat(files(shared)).as("files after a good import").isEmpty();
            milvus.dropCollection(name + "_i");
            milvus.dropCollection(name + "_m");
        }
    }

    @Test
    void aServerWithoutImportIsAClearErrorSuggestingInsertBeforeAnyFileIsWritten(@TempDir Path dir) throws Exception {
        Assumptions.assumeFalse(stack.isFullEngine(), "milvus-lite has no bulk import; the full engine has one");
        String name = TestStack.unique("imp");
        CollectionFixture.seedSource(stack.config(name), 200, 5);
        Path shared = dir.resolve("shared").toAbsolutePath();
        Path config = stack.writeConfigFile(dir, name, Map.of("build.import.local_dir", shared.toString()));

        CliRun run = Cli.withConfig(config, "build", "--collection", name + "_a", "--method", "import");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("has no bulk import").contains("UNIMPLEMENTED").contains("--method insert");
        assertThat(shared).doesNotExist();
        try (MilvusGateway milvus = MilvusGateway.forWrites(stack.config(name).milvus())) {
            milvus.dropCollection(name + "_a");
        }
    }

    @Test
    void aRelativeLocalDirIsAConfigErrorNamingTheValue(@TempDir Path dir) {
        String name = TestStack.unique("imp");
        Path config = stack.writeConfigFile(dir, name, Map.of("build.method", "import",
                "build.import.local_dir", "relative/dir"));

        CliRun run = Cli.withConfig(config, "build", "--collection", name + "_a");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("'relative/dir' is not absolute");
    }

    /**
     * The import build {@code imported} (collection {@code m}) wrote what the insert build {@code inserted}
     * (collection {@code i}) wrote from the same spoiled 3000-row source: rows, rejections, per-partition counts
     * in Milvus, one id's vector; its index finished. Both collections are loaded afterwards.
     */
    static void assertImportedWhatInsertWrote(MilvusGateway milvus, BuildResult imported, String m,
                                              BuildResult inserted, String i) {
        assertThat(imported.written()).isEqualTo(inserted.written()).isEqualTo(3000 - 16);
        assertThat(imported.rejectedByReason()).isEqualTo(inserted.rejectedByReason());
        assertThat(imported.rejectedSample()).isEqualTo(inserted.rejectedSample());
        assertThat(imported.rejectedByPartition()).isEqualTo(inserted.rejectedByPartition());
        assertThat(imported.writtenByPartition()).isEqualTo(inserted.writtenByPartition());
        assertThat(imported.phaseSeconds()).containsKeys("stream", "publish", "import", "flush", "index");
        assertThat(imported.index().state()).isEqualTo("Finished");
        for (int p = 0; p < 4; p++) {
            assertThat(milvus.partitionRowCount(m, Partitions.name(p))).as("p" + p)
                    .isEqualTo(inserted.writtenByPartition().get(p));
        }
        // one id's vector as the insert path stored it
        milvus.load(m, 120_000, x -> { });
        milvus.load(i, 120_000, x -> { });
        assertThat(milvus.vectorOf(m, "item_id", "vector", 1000)).get()
                .isEqualTo(milvus.vectorOf(i, "item_id", "vector", 1000).orElseThrow());
    }

    static Log quiet() {
        return new Log(new PrintWriter(new StringWriter(), true), new Redactor(), Log.Level.QUIET);
    }

    private static Map<String, String> chain(Path shared, String method) {
        Map<String, String> m = new HashMap<>();
        m.put("warmup.max_queries", "30");
        m.put("warmup.window", "10");
        m.put("warmup.timeout_s", "60");
        m.put("collection.partitions", "2");
        m.put("build.import.local_dir", shared.toString());
        m.put("build.method", method);
        return m;
    }

    static void cleanup(RecallConfig cfg) {
        try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus()); RedisPointerStore r = RedisPointerStore.connect(cfg)) {
            for (String c : new CollectionNaming(cfg.collection()).generations(m.listCollections())) {
                m.dropCollection(c);
            }
            r.deleteAll();
        } catch (RuntimeException ignored) {
            // best effort
        }
    }

    /**
     * The server's import fails for real: one partition's vector file is cut short after it was published, so
     * the data node rejects it. Exit 4 with the server's reason, key1 and the serving collection as they were,
     * the files kept and named.
     */
    @Test
    @Tag("full-engine")
    void aFailedImportLeavesKeyOneAndTheServingCollectionUntouched(@TempDir Path dir) throws Exception {
        needsFullEngine(stack);
        String name = TestStack.unique("impf");
        Path shared = dir.resolve("shared").toAbsolutePath();
        RecallConfig cfg = stack.load(name, chain(shared, "insert")).config();
        RecallConfig importCfg = stack.load(name, chain(shared, "import")).config();
        CollectionFixture.seedSource(cfg, 4000, 5);
        try (RedisPointerStore redis = RedisPointerStore.connect(cfg); MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            new RebuildChain(cfg, quiet(), Progress.none(), Clock.systemUTC(), null).run(false, null);
            String serving = redis.current().orElseThrow();
            long servingRows = milvus.rowCount(serving);
            AtomicReference<String> kept = new AtomicReference<>();
            RebuildChain.Hooks corrupt = beforeImport(() -> cutShort(shared), kept);
            Thread.sleep(1100); // the next generation's name has a new timestamp
            assertThatThrownBy(() -> new RebuildChain(importCfg, quiet(), Progress.none(), Clock.systemUTC(), corrupt)
                    .run(false, null)).isInstanceOf(RecallctlException.class)
                    .satisfies(e -> assertThat(((RecallctlException) e).exitCode()).isEqualTo(ExitCodes.DEPENDENCY))
                    .hasMessageContaining("failed on the server").hasMessageContaining("files kept in " + shared);
            assertThat(redis.current()).contains(serving);
            assertThat(redis.building()).isEmpty();
            assertThat(milvus.rowCount(serving)).isEqualTo(servingRows);
            assertThat(milvus.loadState(serving).loaded()).isTrue();
            assertThat(kept.get()).startsWith(shared.toString());
            assertThat(files(shared)).isNotEmpty();
        } finally {
            cleanup(cfg);
        }
    }

    /** Hooks of a rebuild that run {@code corrupt} when the import phase starts and note where files were kept. */
    static RebuildChain.Hooks beforeImport(Runnable corrupt, AtomicReference<String> kept) {
        return new RebuildChain.Hooks() {
            @Override
            public BuildListener buildListener() {
                return new BuildListener() {
                    @Override
                    public void phase(String phase) {
                        if ("import".equals(phase)) {
                            corrupt.run();
                        }
                    }

                    @Override
                    public void importFilesKept(String where) {
                        kept.set(where);
                    }
                };
            }
        };
    }

    private static void cutShort(Path shared) {
        try {
            Path f = files(shared).stream().filter(p -> p.endsWith(Path.of("p1", "vector.npy"))).findFirst().orElseThrow();
            try (FileChannel c = FileChannel.open(f, StandardOpenOption.WRITE)) {
                c.truncate(c.size() / 2);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** recallctl killed (SIGKILL) while the server imports: key1 and the serving collection as they were. */
    @Test
    @Tag("full-engine")
    void aKilledImportLeavesKeyOneAndTheServingCollectionUntouched(@TempDir Path dir) throws Exception {
        needsFullEngine(stack);
        String name = TestStack.unique("impk");
        Path shared = dir.resolve("shared").toAbsolutePath();
        RecallConfig cfg = stack.load(name, chain(shared, "insert")).config();
        CollectionFixture.seedSource(cfg, 20000, 5);
        Path config = stack.writeConfigFile(dir, name, chain(shared, "insert"));
        try (RedisPointerStore redis = RedisPointerStore.connect(cfg); MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            new RebuildChain(cfg, quiet(), Progress.none(), Clock.systemUTC(), null).run(false, null);
            String serving = redis.current().orElseThrow();
            long servingRows = milvus.rowCount(serving);
            Thread.sleep(1100);
            try (LaunchedCli cli = LaunchedCli.start(dir, "rebuild", "--config", config.toString(), "--set",
                    "build.method=import")) {
                // the rows bar closes when streaming ends and the import begins
                assertThat(cli.awaitStderr("rows (100%)", 120)).as("streamed: " + cli.stderr()).isTrue();
                cli.close(); // SIGKILL while the data nodes import
                assertThat(cli.waitFor(30)).isNotZero();
            }
            assertThat(redis.current()).contains(serving);
            assertThat(milvus.rowCount(serving)).isEqualTo(servingRows);
            assertThat(milvus.loadState(serving).loaded()).isTrue();
        } finally {
            cleanup(cfg);
        }
    }
}
