package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.ExitCodes;
import org.recallctl.error.RecallctlException;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.output.Progress;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.source.MysqlItemSource;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.TestStack;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * build --method import with build.import.storage s3 (issue 11 §2) against a real S3 server: the full engine
 * started with {@code bin/stack up --milvus full --s3} keeps its segments in versitygw's bucket and imports object
 * keys from it; recallctl uploads through the stack's forwarder. The same checks as {@link ImportIT}'s local
 * storage: the rows and report of the insert path, the objects removed after a good import, kept and named after
 * a failed one. bin/test runs these in its s3 phase (RECALLCTL_IT_MILVUS_S3=1: skipping there is a failure).
 */
@Tag("integration")
@Tag("milvus-s3")
class S3ImportIT {
    private final TestStack stack = TestStack.get();

    private static List<String> keys(S3Client s3, String bucket, String prefix) {
        return s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build())
                .contents().stream().map(S3Object::key).toList();
    }

    private static void deleteAll(S3Client s3, String bucket, String prefix) {
        List<ObjectIdentifier> ids = keys(s3, bucket, prefix).stream()
                .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
        if (!ids.isEmpty()) {
            s3.deleteObjects(DeleteObjectsRequest.builder().bucket(bucket).delete(Delete.builder().objects(ids).build())
                    .build());
        }
    }

    @Test
    void importThroughTheEnginesBucketWritesWhatInsertWritesAndRemovesItsObjects() throws Exception {
        stack.assumeS3Milvus("import through s3");
        String name = TestStack.unique("ims");
        String bucket = stack.get("S3_BUCKET");
        // build.import.s3.prefix: the keys are <prefix>/<collection>-<run>/p<i>/<field>.npy
        String prefix = "it-import/" + name;
        CollectionFixture.seedSource(stack.config(name), 3000, 5);
        BuildStepIT.spoil(stack.config(name), name + "_v");
        Map<String, String> o = Map.of("source.table", name + "_v", "source.normalize", "true",
                "thresholds.max_bad_rows", "1%");
        RecallConfig insertCfg = stack.load(name, o).config();
        Map<String, String> imp = new HashMap<>(o);
        imp.putAll(stack.s3ImportSettings());
        imp.put("build.method", "import");
        imp.put("build.import.s3.prefix", prefix);
        RecallConfig importCfg = stack.load(name, imp).config();
        try (S3Client s3 = stack.s3Client(); MysqlItemSource s = MysqlItemSource.open(insertCfg, 2);
             MilvusGateway milvus = MilvusGateway.forWrites(insertCfg.milvus())) {
            BuildResult inserted = new BuildStep(insertCfg, s, milvus, null).run(name + "_i", Optional.empty(),
                    Optional.empty());
            AtomicReference<List<String>> during = new AtomicReference<>();
            BuildListener watch = new BuildListener() {
                @Override
                public void phase(String phase) {
                    if ("import".equals(phase)) {
                        during.set(keys(s3, bucket, prefix + "/"));
                    }
                }
            };
            BuildResult imported = new BuildStep(importCfg, s, milvus, watch).run(name + "_m", Optional.empty(),
                    Optional.empty());

            ImportIT.assertImportedWhatInsertWrote(milvus, imported, name + "_m", inserted, name + "_i");
            // the keys the engine imported are relative to the bucket's root (not to its minio.rootPath), and the
            // server keeps them as files under <bucket dir>/<key>: one object per field and partition
            assertThat(during.get()).as("objects while importing").hasSize(4 * 4)
                    .allMatch(k -> k.startsWith(prefix + "/" + name + "_m-") && k.endsWith(".npy"))
                    .anyMatch(k -> k.endsWith("/p3/vector.npy"));
            // the engine's own segments are in the same bucket, under its rootPath: it really runs on S3
            assertThat(keys(s3, bucket, stack.get("S3_ROOT_PATH") + "/insert_log/")).as("engine's binlogs")
                    .isNotEmpty();
            assertThat(keys(s3, bucket, prefix + "/")).as("objects after a good import").isEmpty();
            milvus.dropCollection(name + "_i");
            milvus.dropCollection(name + "_m");
        }
    }

    /**
     * The server's import fails for real: one partition's vector object is replaced by its first half after it was
     * uploaded, so the data node rejects it. Exit 4 with the server's reason, key1 and the serving collection as
     * they were, the objects kept and their s3:// location named.
     */
    @Test
    void aFailedImportThroughS3KeepsItsObjectsAndNamesThem() throws Exception {
        stack.assumeS3Milvus("a failed import through s3");
        String name = TestStack.unique("imsf");
        String bucket = stack.get("S3_BUCKET");
        String prefix = "it-import/" + name;
        Map<String, String> m = new HashMap<>(stack.s3ImportSettings());
        m.put("warmup.max_queries", "30");
        m.put("warmup.window", "10");
        m.put("warmup.timeout_s", "60");
        m.put("collection.partitions", "2");
        m.put("build.import.s3.prefix", prefix);
        RecallConfig cfg = stack.load(name, m).config();
        m.put("build.method", "import");
        RecallConfig importCfg = stack.load(name, m).config();
        CollectionFixture.seedSource(cfg, 4000, 5);
        try (S3Client s3 = stack.s3Client(); RedisPointerStore redis = RedisPointerStore.connect(cfg);
             MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            new RebuildChain(cfg, ImportIT.quiet(), Progress.none(), Clock.systemUTC(), null).run(false, null);
            String serving = redis.current().orElseThrow();
            long servingRows = milvus.rowCount(serving);
            AtomicReference<String> kept = new AtomicReference<>();
            RebuildChain.Hooks corrupt = ImportIT.beforeImport(() -> {
                String key = keys(s3, bucket, prefix + "/").stream()
                        .filter(k -> k.endsWith("/p1/vector.npy")).findFirst().orElseThrow();
                byte[] b = s3.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(key).build()).asByteArray();
                s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key).build(),
                        RequestBody.fromBytes(Arrays.copyOf(b, b.length / 2)));
            }, kept);
            Thread.sleep(1100); // the next generation's name has a new timestamp
            String where = "s3://" + bucket + "/" + prefix + "/";
            assertThatThrownBy(() -> new RebuildChain(importCfg, ImportIT.quiet(), Progress.none(), Clock.systemUTC(),
                    corrupt).run(false, null)).isInstanceOf(RecallctlException.class)
                    .satisfies(e -> assertThat(((RecallctlException) e).exitCode()).isEqualTo(ExitCodes.DEPENDENCY))
                    .hasMessageContaining("failed on the server").hasMessageContaining("files kept in " + where);
            assertThat(redis.current()).contains(serving);
            assertThat(redis.building()).isEmpty();
            assertThat(milvus.rowCount(serving)).isEqualTo(servingRows);
            assertThat(milvus.loadState(serving).loaded()).isTrue();
            assertThat(kept.get()).startsWith(where);
            List<String> left = keys(s3, bucket, prefix + "/");
            assertThat(left).as("objects kept after the failure").hasSize(2 * 4);
            // and they are where the message says, on the server's disk too
            Path dataDir = Path.of(stack.get("S3_DATA_DIR"), bucket);
            assertThat(left).allMatch(k -> Files.isRegularFile(dataDir.resolve(k)));
            deleteAll(s3, bucket, prefix + "/");
        } finally {
            ImportIT.cleanup(cfg);
        }
    }
}
