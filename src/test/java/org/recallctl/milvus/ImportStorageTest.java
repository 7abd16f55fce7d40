package org.recallctl.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.RecallConfig;
import org.recallctl.config.Secret;
import org.recallctl.error.ConfigException;

/** build.import.* mistakes are one-line config errors naming the key, before anything is written. */
class ImportStorageTest {
    private static RecallConfig.S3 s3(String bucket, String access, String secret, String endpoint) {
        return new RecallConfig.S3(endpoint, bucket, "pre/", "us-east-1", new Secret(access), new Secret(secret), true);
    }

    private static RecallConfig.Import local(String dir) {
        return new RecallConfig.Import("local", dir, 60, s3("", "", "", ""));
    }

    @Test
    void localNeedsAnAbsoluteDirectory() {
        assertThatThrownBy(() -> ImportStorage.open(local(""), "items_1", "r1")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("build.import.local_dir").hasMessageContaining("--method insert");
        assertThatThrownBy(() -> ImportStorage.open(local("data/import"), "items_1", "r1"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'data/import' is not absolute");
    }

    @Test
    void localFilesLiveInOneDirectoryPerBuildAndAreNamedByAbsolutePath(@TempDir Path dir) throws Exception {
        ImportStorage s = ImportStorage.open(local(dir.toString()), "items_1", "r1");
        assertThat(s.staging()).isEqualTo(dir.resolve("items_1-r1"));
        Path f = Files.createDirectories(s.staging().resolve("p0")).resolve("item_id.npy");
        Files.writeString(f, "x");
        assertThat(s.publish(java.util.List.of(f))).containsExactly(f.toAbsolutePath().toString());
        s.remove();
        assertThat(s.staging()).doesNotExist();
    }

    @Test
    void s3NeedsABucketAndCredentialsAndAUrl() {
        assertThatThrownBy(() -> ImportStorage.open(new RecallConfig.Import("s3", "", 60, s3("", "a", "b", "")),
                "t", "r")).isInstanceOf(ConfigException.class).hasMessageContaining("build.import.s3.bucket");
        assertThatThrownBy(() -> ImportStorage.open(new RecallConfig.Import("s3", "", 60, s3("milvus", "", "b", "")),
                "t", "r")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("RECALLCTL_BUILD_IMPORT_S3_ACCESS_KEY");
        assertThatThrownBy(() -> ImportStorage.open(new RecallConfig.Import("s3", "", 60,
                s3("milvus", "a", "b", "not a url")), "t", "r")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'not a url' is not a URL");
    }

    @Test
    void s3KeysAreRelativeToTheBucketUnderThePrefixAndTheSecretIsNotInTheDescription() {
        try (ImportStorage s = ImportStorage.open(new RecallConfig.Import("s3", "", 60,
                s3("milvus", "AKIDEXAMPLE", "wJalrXUtnFEMI", "http://127.0.0.1:9")), "items_1", "r1")) {
            assertThat(s.kept()).startsWith("s3://milvus/pre/items_1-r1/").doesNotContain("wJalrXUtnFEMI");
            s.remove();
        }
    }
}
