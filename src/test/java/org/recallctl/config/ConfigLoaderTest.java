package org.recallctl.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.error.ConfigException;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        Path f = dir.resolve("recallctl.yaml");
        Files.writeString(f, text);
        return f;
    }

    private static LoadedConfig load(Path file, Map<String, String> env, Map<String, String> sets,
                                     Map<String, ConfigLoader.FlagValue> flags) {
        return new ConfigLoader(env).load(file, sets, flags);
    }

    @Test
    void builtInDefaultsLoadWithoutAFile() {
        LoadedConfig c = load(null, Map.of(), Map.of(), Map.of());
        assertThat(c.config().collection().partitions()).isEqualTo(16);
        assertThat(c.config().collection().metric()).isEqualTo(Metric.IP);
        assertThat(c.config().milvus().readUri()).isEqualTo(c.config().milvus().writeUri());
        assertThat(c.effective().get("collection.partitions").origin()).isEqualTo("default");
    }

    @Test
    void eachLayerOverridesTheOneBelow() throws IOException {
        Path f = yaml("collection:\n  partitions: 2\n  base_name: from_file\nsource:\n  table: t_file\n  dimension: 8\n");
        Map<String, String> env = Map.of("RECALLCTL_COLLECTION_PARTITIONS", "3", "RECALLCTL_SOURCE_TABLE", "t_env");
        Map<String, String> sets = new LinkedHashMap<>();
        sets.put("collection.partitions", "5");
        Map<String, ConfigLoader.FlagValue> flags = Map.of("collection.partitions",
                new ConfigLoader.FlagValue("7", "--partitions"));

        assertThat(load(f, Map.of(), Map.of(), Map.of()).config().collection().partitions()).isEqualTo(2);
        LoadedConfig envLayer = load(f, env, Map.of(), Map.of());
        assertThat(envLayer.config().collection().partitions()).isEqualTo(3);
        assertThat(envLayer.config().source().table()).isEqualTo("t_env");
        assertThat(envLayer.config().collection().baseName()).isEqualTo("from_file");
        assertThat(envLayer.config().source().dimension()).isEqualTo(8);
        assertThat(load(f, env, sets, Map.of()).config().collection().partitions()).isEqualTo(5);
        LoadedConfig all = load(f, env, sets, flags);
        assertThat(all.config().collection().partitions()).isEqualTo(7);
        assertThat(all.effective().get("collection.partitions").origin()).isEqualTo("--partitions");
        assertThat(all.effective().get("source.table").origin()).isEqualTo("env RECALLCTL_SOURCE_TABLE");
        assertThat(all.effective().get("collection.base_name").origin()).isEqualTo("recallctl.yaml");
    }

    @Test
    void unknownKeyInTheFileIsNamedWithTheNearestValidKey() throws IOException {
        Path f = yaml("collection:\n  partitons: 4\n");
        assertThatThrownBy(() -> load(f, Map.of(), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown config key 'collection.partitons'")
                .hasMessageContaining("did you mean 'collection.partitions'");
    }

    @Test
    void unknownSectionAndUnknownSetKeyAreErrors() throws IOException {
        assertThatThrownBy(() -> load(yaml("milvs:\n  write_uri: x\n"), Map.of(), Map.of(), Map.of()))
                .hasMessageContaining("unknown config key 'milvs.write_uri'")
                .hasMessageContaining("milvus.write_uri");
        assertThatThrownBy(() -> load(null, Map.of(), Map.of("search.topK", "5"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'search.topK' (--set search.topK)");
    }

    @Test
    void wrongTypesNameTheKeyTheValueAndTheLayer() throws IOException {
        assertThatThrownBy(() -> load(yaml("source:\n  dimension: abc\n"), Map.of(), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("source.dimension (recallctl.yaml): expected an integer, got 'abc'");
        assertThatThrownBy(() -> load(null, Map.of("RECALLCTL_SOURCE_NORMALIZE", "maybe"), Map.of(), Map.of()))
                .hasMessageContaining("source.normalize (env RECALLCTL_SOURCE_NORMALIZE): expected true or false");
        assertThatThrownBy(() -> load(null, Map.of(), Map.of("source.encoding", "xml"), Map.of()))
                .hasMessageContaining("'xml' is not one of json, csv, f32le, base64");
        assertThatThrownBy(() -> load(yaml("source:\n  table: [a, b]\n"), Map.of(), Map.of(), Map.of()))
                .hasMessageContaining("source.table (recallctl.yaml): expected a string, got a list");
        assertThatThrownBy(() -> load(null, Map.of(), Map.of("collection.partitions", "0"), Map.of()))
                .hasMessageContaining("collection.partitions (--set collection.partitions): 0 is out of range 1..4096");
    }

    /** Issue 12 §1: gate.* defaults, ranges, and the cache bench uses (XDG_CACHE_HOME) when gate.cache_dir is empty. */
    @Test
    void gateKeysHaveDefaultsRangesAndBenchsCache() {
        var g = load(null, Map.of("XDG_CACHE_HOME", "/var/cache/x"), Map.of(), Map.of()).config().gate();
        assertThat(g.enabled()).isTrue();
        assertThat(g.queries()).isEqualTo(200);
        assertThat(g.minRecall()).isEqualTo(0.9);
        assertThat(g.minOverlap()).isEmpty();
        assertThat(g.spotCheck()).isEqualTo(100);
        assertThat(g.cacheDir()).isEqualTo("/var/cache/x/recallctl");
        assertThat(load(null, Map.of(), Map.of("gate.min_overlap", "0.5"), Map.of()).config().gate().minOverlap())
                .hasValue(0.5);
        assertThatThrownBy(() -> load(null, Map.of(), Map.of("gate.min_recall", "95"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("gate.min_recall (--set gate.min_recall): 95 is out of range 0.0..1.0");
        assertThatThrownBy(() -> load(null, Map.of(), Map.of("gate.min_overlap", "high"), Map.of()))
                .hasMessage("gate.min_overlap (--set gate.min_overlap): expected a number, got 'high'");
        assertThatThrownBy(() -> load(null, Map.of(), Map.of("gate.queries", "0"), Map.of()))
                .hasMessageContaining("gate.queries (--set gate.queries): 0 is out of range 1..16384");
        assertThatThrownBy(() -> load(null, Map.of(), Map.of("gate.spot_check", "-1"), Map.of()))
                .hasMessageContaining("gate.spot_check (--set gate.spot_check): -1 is out of range 0..100000");
        assertThatThrownBy(() -> load(null, Map.of(), Map.of("gate.min_recal", "0.9"), Map.of()))
                .hasMessageContaining("did you mean 'gate.min_recall'?");
    }

    @Test
    void missingRequiredValueIsAnError() {
        assertThatThrownBy(() -> load(null, Map.of(), Map.of("source.jdbc_url", ""), Map.of()))
                .hasMessage("source.jdbc_url (--set source.jdbc_url): is required");
    }

    @Test
    void identifiersAreValidatedBeforeTheyReachSql() {
        assertThatThrownBy(() -> load(null, Map.of(), Map.of("source.table", "items; DROP TABLE x"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is not a valid name");
    }

    @Test
    void insertBatchesMustStayUnderMilvusLimit() {
        assertThatThrownBy(() -> load(null, Map.of(), Map.of("build.batch_bytes", "70000000"), Map.of()))
                .hasMessageContaining("64 MiB");
    }

    @Test
    void listsComeFromYamlSequencesOrCommaSeparatedText() throws IOException {
        LoadedConfig fromFile = load(yaml("collection:\n  scalar_fields: [category:int64, \"brand:varchar(32)\"]\n"),
                Map.of(), Map.of(), Map.of());
        assertThat(fromFile.config().collection().scalarFields()).extracting(ScalarField::name)
                .containsExactly("category", "brand");
        assertThat(fromFile.config().collection().scalarFields().get(1).maxLength()).isEqualTo(32);
        LoadedConfig fromEnv = load(null, Map.of("RECALLCTL_COLLECTION_SCALAR_FIELDS", "a:int32, b:bool"), Map.of(),
                Map.of());
        assertThat(fromEnv.config().collection().scalarFields()).extracting(ScalarField::kind)
                .containsExactly(ScalarField.Kind.INT32, ScalarField.Kind.BOOL);
        assertThatThrownBy(() -> load(null, Map.of(), Map.of("collection.scalar_fields", "brand:varchar"), Map.of()))
                .hasMessageContaining("varchar needs a maximum length");
    }

    @Test
    void parameterMapsAcceptAnyParameterName() throws IOException {
        LoadedConfig c = load(yaml("index:\n  type: HNSW\n  params:\n    M: 16\n    efConstruction: 200\n"),
                Map.of("RECALLCTL_SEARCH_PARAMS_EF", "64"), Map.of(), Map.of());
        assertThat(c.config().index().params()).containsEntry("M", "16").containsEntry("efConstruction", "200");
        assertThat(c.config().search().params()).containsEntry("ef", "64");
    }

    @Test
    void secretsComeFromAFileRelativeToTheConfigAndNeverPrint() throws IOException {
        Files.writeString(dir.resolve("db-password"), "s3cret-pw\n");
        LoadedConfig c = load(yaml("source:\n  password_file: db-password\n"), Map.of(), Map.of(), Map.of());
        assertThat(c.config().source().password().reveal()).isEqualTo("s3cret-pw");
        assertThat(c.config().toString()).doesNotContain("s3cret-pw");
        assertThat(c.redactor().redact("login failed for s3cret-pw")).isEqualTo("login failed for ****");
    }

    @Test
    void aSecretInClearTextInTheFileIsAcceptedWithAWarning() throws IOException {
        LoadedConfig c = load(yaml("redis:\n  password: hunter22\n"), Map.of(), Map.of(), Map.of());
        assertThat(c.warnings()).anyMatch(w -> w.contains("redis.password") && w.contains("RECALLCTL_REDIS_PASSWORD"));
        assertThat(String.join("\n", c.warnings())).doesNotContain("hunter22");
    }

    @Test
    void credentialsInsideUrlsAreUsedLearntByTheRedactorAndNeverDoubled() throws IOException {
        Files.writeString(dir.resolve("hook"), "https://hooks.example/services/T0K3N-file\n");
        LoadedConfig c = load(yaml("alert:\n  webhook_url_file: hook\n"), Map.of(), Map.of("redis.url",
                "redis://recall:r3dis-pw@h:6379/0", "source.jdbc_url", "jdbc:mysql://u:j0bc-pw@h/db?password=qu3ry-pw"), Map.of());
        assertThat(c.config().redis().user()).isEqualTo("recall");
        assertThat(c.config().redis().password().reveal()).isEqualTo("r3dis-pw");
        assertThat(c.config().alert().webhookUrl().reveal()).isEqualTo("https://hooks.example/services/T0K3N-file");
        assertThat(c.redactor().redact("r3dis-pw j0bc-pw qu3ry-pw /services/T0K3N-file")).isEqualTo("**** **** **** ****");
        assertThatThrownBy(() -> load(null, Map.of(), Map.of("redis.url", "redis://:a-pw@h", "redis.password", "b-pw"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("redis.url").hasMessageContaining("keep one")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("a-pw").doesNotContain("b-pw"));
        assertThatThrownBy(() -> load(null, Map.of(), Map.of("milvus.write_uri", "http://root:m1lvus-pw@h:19530"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("milvus.token")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("m1lvus-pw"));
    }

    @Test
    void missingSecretFileIsAClearError() throws IOException {
        assertThatThrownBy(() -> load(yaml("source:\n  password_file: nope\n"), Map.of(), Map.of(), Map.of()))
                .hasMessageContaining("source.password_file (recallctl.yaml): cannot read secret file");
    }

    @Test
    void unknownRecallctlEnvironmentVariablesAreWarnedAbout() {
        LoadedConfig c = load(null, Map.of("RECALLCTL_SOURCE_PASWORD", "x", "RECALLCTL_CONFIG", "/x",
                "RECALLCTL_STACK_DIR", "/y"), Map.of(), Map.of());
        assertThat(c.warnings()).containsExactly("ignoring environment variable RECALLCTL_SOURCE_PASWORD: it names no config key");
    }

    @Test
    void invalidYamlIsAClearError() throws IOException {
        assertThatThrownBy(() -> load(yaml("source:\n  table: [unclosed\n"), Map.of(), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is not valid YAML");
    }

    @Test
    void thresholdsAcceptEmptyAsOffAndPercentages() {
        LoadedConfig c = load(null, Map.of(), Map.of("thresholds.max_shrink_pct", "", "thresholds.max_growth_pct",
                "25%", "thresholds.max_bad_rows", "0.5%"), Map.of());
        assertThat(c.config().thresholds().maxShrinkPct()).isEmpty();
        assertThat(c.config().thresholds().maxGrowthPct()).hasValue(25.0);
        assertThat(c.config().thresholds().maxBadRows().limitFor(1000)).isEqualTo(5);
    }
}
