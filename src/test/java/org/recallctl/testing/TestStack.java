package org.recallctl.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.recallctl.config.ConfigLoader;
import org.recallctl.config.LoadedConfig;
import org.recallctl.config.RecallConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The local stack that {@code bin/stack up} started (MariaDB, Redis, milvus-lite on loopback), as integration
 * tests see it. Each test gets its own table, pipeline, Redis keys and collection names, so tests never see
 * each other's data and may run against a stack that is also used by hand.
 */
public final class TestStack {
    private final Map<String, String> env;
    private final Path dir;

    private TestStack(Path dir, Map<String, String> env) {
        this.dir = dir;
        this.env = env;
    }

    public static TestStack get() {
        Path dir = stackDir();
        Path file = dir.resolve("stack.env");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("integration tests need the local stack, but " + file
                    + " is missing: run 'bin/stack up' (bin/test does it for you)");
        }
        Map<String, String> env = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                int eq = line.indexOf('=');
                if (eq > 0 && !line.startsWith("#")) {
                    env.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim().replaceAll("^\"|\"$", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TestStack(dir, env);
    }

    /**
     * Starts an optional part of the stack ({@code sentinel}, {@code cluster} or {@code redis-tls}) with
     * {@code bin/stack start} unless it runs already (a no-op then), and returns the stack as it is afterwards.
     * bin/test stops what the tests started; {@code bin/stack down} stops everything.
     */
    public static TestStack with(String service) {
        Path dir = stackDir();
        String project = System.getenv("RECALLCTL_PROJECT_DIR");
        Path script = (project == null ? Path.of("").toAbsolutePath() : Path.of(project)).resolve("bin/stack");
        try {
            Files.createDirectories(dir.resolve("logs"));
            Path log = dir.resolve("logs/start-" + service + ".log");
            ProcessBuilder pb = new ProcessBuilder(script.toString(), "start", service).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("RECALLCTL_STACK_DIR", dir.toString());
            Process p = pb.start();
            if (!p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("bin/stack start " + service + " took over 5 minutes; see " + log);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("bin/stack start " + service + " failed (exit " + p.exitValue() + "): "
                        + Files.readString(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return get();
    }

    private static Path stackDir() {
        String explicit = System.getenv("RECALLCTL_STACK_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String project = System.getenv("RECALLCTL_PROJECT_DIR");
        return (project == null ? Path.of("").toAbsolutePath() : Path.of(project)).resolve(".stack");
    }

    public String get(String key) {
        String v = env.get(key);
        if (v == null) {
            throw new IllegalStateException(key + " missing from " + dir.resolve("stack.env"));
        }
        return v;
    }

    public int mysqlPort() {
        return Integer.parseInt(get("MYSQL_PORT"));
    }

    public int redisPort() {
        return Integer.parseInt(get("REDIS_PORT"));
    }

    /** Whether the stack runs the full Milvus engine (bin/stack up --milvus full), not milvus-lite. */
    public boolean isFullEngine() {
        return "full".equals(env.get("MILVUS_FLAVOR"));
    }

    public int milvusPort() {
        return Integer.parseInt(get("MILVUS_PORT"));
    }

    /** The full engine runs with authorization on (bin/stack up --milvus full --milvus-auth). */
    public boolean milvusAuth() {
        return isFullEngine() && "1".equals(env.get("MILVUS_AUTH"));
    }

    /** The full engine speaks only TLS, with the stack's certificate for localhost (--milvus-tls). */
    public boolean milvusTls() {
        return isFullEngine() && "1".equals(env.get("MILVUS_TLS"));
    }

    /** The full engine wants a client certificate signed by the stack's CA (--milvus-mtls, Milvus tlsMode 2). */
    public boolean milvusMutualTls() {
        return isFullEngine() && "1".equals(env.get("MILVUS_MTLS"));
    }

    /**
     * Skips a test that needs the engine with {@code --milvus-mtls}, unless bin/test's mutual-TLS phase runs it
     * ({@code RECALLCTL_IT_MILVUS_MTLS=1}): there a missing engine is a failure.
     */
    public void assumeMutualTlsMilvus(String what) {
        String why = what + " needs the full engine with --milvus-mtls (bin/stack up --milvus full --milvus-mtls; "
                + "bin/test runs it in its mutual-TLS phase)";
        assumeEngine(milvusMutualTls(), why, "RECALLCTL_IT_MILVUS_MTLS", "MILVUS_TLS", "MILVUS_MTLS");
    }

    /**
     * Skips a test that needs the engine with {@code --milvus-auth}/{@code --milvus-tls}, unless bin/test's phase
     * for that engine runs it ({@code RECALLCTL_IT_MILVUS_SECURE=1}): there a missing engine is a failure, so the
     * phase can never pass by skipping everything.
     */
    public void assumeSecureMilvus(boolean needed, String what) {
        String why = what + " needs the full engine with " + (what.contains("TLS") ? "--milvus-tls" : "--milvus-auth")
                + " (bin/stack up --milvus full --milvus-auth --milvus-tls; bin/test runs it in its secure-engine phase)";
        assumeEngine(needed, why, "RECALLCTL_IT_MILVUS_SECURE", "MILVUS_AUTH", "MILVUS_TLS");
    }

    /** The full engine keeps its data in S3 (bin/stack up --milvus full --s3): versitygw behind S3_ENDPOINT. */
    public boolean milvusS3() {
        return isFullEngine() && "s3".equals(env.get("MILVUS_STORAGE"));
    }

    /**
     * Skips a test that needs the engine on S3 storage, unless bin/test's s3 phase runs it
     * ({@code RECALLCTL_IT_MILVUS_S3=1}): there a missing S3 engine is a failure, so the phase cannot pass by skipping.
     */
    public void assumeS3Milvus(String what) {
        String why = what + " needs the full engine on S3 storage (bin/stack up --milvus full --s3; bin/test runs it in"
                + " its s3 phase)";
        assumeEngine(milvusS3(), why, "RECALLCTL_IT_MILVUS_S3", "MILVUS_STORAGE");
    }

    /**
     * Skips when the stack lacks the engine a test {@code needed}, except in the bin/test phase that sets
     * {@code phaseFlag}=1 for that engine: there it fails, naming the stack.env values that tell the engine apart.
     */
    private void assumeEngine(boolean needed, String why, String phaseFlag, String... shownKeys) {
        if ("1".equals(System.getenv(phaseFlag))) {
            if (!needed) {
                StringBuilder says = new StringBuilder("MILVUS_FLAVOR=" + env.get("MILVUS_FLAVOR"));
                for (String k : shownKeys) {
                    says.append(' ').append(k).append('=').append(env.get(k));
                }
                throw new IllegalStateException(why + ", but " + dir.resolve("stack.env") + " says " + says);
            }
            return;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(needed, why);
    }

    /** Config overrides for build.import.storage s3 into the engine's own bucket, with the stack's keys. */
    public Map<String, String> s3ImportSettings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("build.import.storage", "s3");
        m.put("build.import.s3.endpoint", get("S3_ENDPOINT"));
        m.put("build.import.s3.bucket", get("S3_BUCKET"));
        m.put("build.import.s3.region", get("S3_REGION"));
        m.put("build.import.s3.access_key_file", get("S3_ACCESS_KEY_FILE"));
        m.put("build.import.s3.secret_key_file", get("S3_SECRET_KEY_FILE"));
        m.put("build.import.s3.path_style", "true");
        return m;
    }

    /** An S3 client on the stack's versitygw (through its host forwarder), as root: to look into the bucket. */
    public S3Client s3Client() {
        try {
            return S3Client.builder().region(Region.of(get("S3_REGION")))
                    .endpointOverride(URI.create(get("S3_ENDPOINT"))).forcePathStyle(true)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                            Files.readString(Path.of(get("S3_ACCESS_KEY_FILE"))).strip(),
                            Files.readString(Path.of(get("S3_SECRET_KEY_FILE"))).strip())))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The URI clients use: https://localhost:PORT with --milvus-tls (the certificate names localhost only). */
    public String milvusUri() {
        return get("MILVUS_URI");
    }

    /**
     * Config overrides for the secure engine as one of the users bin/stack creates: {@code root}, {@code writer}
     * (role recallctl_write), {@code reader} (recallctl_read) or {@code noalias} (the write role without
     * CreateAlias); with the stack's CA when the engine speaks TLS, and its client certificate for mutual TLS.
     */
    public Map<String, String> milvusAs(String user) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("milvus.write_uri", milvusUri());
        if (milvusAuth()) {
            m.put("milvus.token_file", get("MILVUS_" + user.toUpperCase(java.util.Locale.ROOT) + "_TOKEN_FILE"));
        }
        if (milvusTls()) {
            m.put("milvus.ca_file", get("TLS_CA_FILE"));
        }
        if (milvusMutualTls()) {
            m.put("milvus.client_cert_file", get("TLS_CLIENT_CERT_FILE"));
            m.put("milvus.client_key_file", get("TLS_CLIENT_KEY_FILE"));
        }
        return m;
    }

    /** The token ({@code user:password}) of one of those users. */
    public String milvusToken(String user) {
        try {
            return Files.readString(Path.of(get("MILVUS_" + user.toUpperCase(java.util.Locale.ROOT) + "_TOKEN_FILE"))).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String loopback(String ports) {
        StringBuilder b = new StringBuilder();
        for (String p : ports.split(",")) {
            b.append(b.length() == 0 ? "" : ",").append("127.0.0.1:").append(p.trim());
        }
        return b.toString();
    }

    /** Config overrides for the stack's Sentinel setup (bin/stack start sentinel): master, replica, three sentinels. */
    public Map<String, String> sentinelSettings() {
        return Map.of("redis.mode", "sentinel", "redis.url", "", "redis.sentinels", loopback(get("SENTINEL_PORTS")),
                "redis.master_name", get("SENTINEL_MASTER_NAME"), "redis.password_file",
                get("REDIS_TOPOLOGY_PASSWORD_FILE"), "redis.sentinel_password_file", get("SENTINEL_PASSWORD_FILE"));
    }

    /** Config overrides for the stack's Redis Cluster (bin/stack start cluster); one seed node is enough. */
    public Map<String, String> clusterSettings() {
        return Map.of("redis.mode", "cluster", "redis.url", "", "redis.nodes", loopback(get("CLUSTER_PORTS")),
                "redis.password_file", get("REDIS_TOPOLOGY_PASSWORD_FILE"));
    }

    public String redisTopologyPassword() {
        try {
            return Files.readString(Path.of(get("REDIS_TOPOLOGY_PASSWORD_FILE"))).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String jdbcUrl() {
        return "jdbc:mysql://127.0.0.1:" + mysqlPort() + "/" + get("MYSQL_DATABASE");
    }

    public String mysqlPassword() {
        try {
            return Files.readString(Path.of(get("MYSQL_PASSWORD_FILE"))).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A name unique to this test run: letters, digits and underscores only (valid for SQL, Redis, Milvus). */
    public static String unique(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }

    /**
     * Config layers pointing at the stack with test-private names: source.table, pipeline.name and
     * collection.base_name are all {@code name}. {@code overrides} are applied on top (as --set).
     */
    public Map<String, String> settings(String name, Map<String, String> overrides) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("source.jdbc_url", jdbcUrl());
        s.put("source.user", get("MYSQL_USER"));
        s.put("source.password_file", get("MYSQL_PASSWORD_FILE"));
        s.put("source.table", name);
        s.put("redis.url", "redis://127.0.0.1:" + redisPort());
        s.put("redis.key_prefix", "it");
        s.put("milvus.write_uri", "http://127.0.0.1:" + milvusPort());
        s.put("milvus.rpc_deadline_ms", "20000");
        s.put("pipeline.name", name);
        s.put("collection.base_name", name);
        s.put("collection.partitions", "4");
        s.put("collection.scalar_fields", "category:int64,brand:varchar(64)");
        s.put("index.params.nlist", "16");
        s.put("search.params.nprobe", "16");
        s.putAll(overrides);
        return s;
    }

    public LoadedConfig load(String name, Map<String, String> overrides) {
        return new ConfigLoader(Map.of()).load(null, settings(name, overrides), Map.of());
    }

    public RecallConfig config(String name) {
        return load(name, Map.of()).config();
    }

    /** Writes the settings as a YAML-free config: a file of --set equivalents is not YAML, so emit YAML. */
    public Path writeConfigFile(Path dir, String name, Map<String, String> overrides) {
        StringBuilder yaml = new StringBuilder();
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        settings(name, overrides).forEach((k, v) -> {
            int dot = k.indexOf('.');
            sections.computeIfAbsent(k.substring(0, dot), x -> new LinkedHashMap<>()).put(k.substring(dot + 1), v);
        });
        sections.forEach((section, keys) -> {
            yaml.append(section).append(":\n");
            keys.forEach((k, v) -> {
                if (k.contains(".")) {
                    String[] parts = k.split("\\.", 2);
                    yaml.append("  ").append(parts[0]).append(":\n    ").append(parts[1]).append(": \"")
                            .append(v).append("\"\n");
                } else if ("scalar_fields".equals(k)) {
                    yaml.append("  ").append(k).append(": [");
                    String[] items = v.split(",");
                    for (int i = 0; i < items.length; i++) {
                        yaml.append(i == 0 ? "" : ", ").append('"').append(items[i]).append('"');
                    }
                    yaml.append("]\n");
                } else {
                    yaml.append("  ").append(k).append(": \"").append(v).append("\"\n");
                }
            });
        });
        try {
            Path file = dir.resolve(name + ".yaml");
            Files.writeString(file, yaml.toString());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
