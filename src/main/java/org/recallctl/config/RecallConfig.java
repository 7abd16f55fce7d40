package org.recallctl.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The whole, validated configuration. Immutable; built once by {@link ConfigLoader} and passed down. */
public record RecallConfig(String pipeline, Source source, Milvus milvus, Redis redis, Collection collection,
                           Index index, Search search, Thresholds thresholds, Warmup warmup, Retention retention,
                           Alert alert, Build build, Metrics metrics,
                           Gate gate, Probe probe) {

    public enum Encoding { JSON, CSV, F32LE, BASE64 }

    public enum Naming { TIMESTAMP, ALTERNATE }

    /** How recallctl finds the Redis master: one server, through Sentinel, or a Redis Cluster. */
    public enum RedisMode { STANDALONE, SENTINEL, CLUSTER }

    private static final Pattern SSL_MODE = Pattern.compile("(?i)[?&]sslMode=([A-Za-z_]*)");

    /** {@code clientCertFile}/{@code clientKeyFile}: mutual TLS, both set or both empty (with a caFile). */
    public record Source(String jdbcUrl, String user, Secret password, String table, String idColumn,
                         String vectorColumn, Encoding encoding, int dimension, String where, boolean normalize,
                         int fetchSize, int connectTimeoutMs, String caFile, String clientCertFile,
                         String clientKeyFile) {
        /** A client certificate is configured: the database connection presents it (REQUIRE X509 accounts). */
        public boolean mutualTls() {
            return !clientCertFile.isEmpty();
        }

        /** The sslMode the JDBC URL asks for itself (possibly empty text), or empty when it names none. */
        public Optional<String> sslMode() {
            Matcher m = SSL_MODE.matcher(jdbcUrl);
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        }
    }

    /**
     * {@code readToken}: the read endpoint's own token (a search-only user), unset = {@code token} there too;
     * {@code clientCertFile}/{@code clientKeyFile}: mutual TLS, both set or both empty (with a caFile).
     */
    public record Milvus(String writeUri, String readUri, Secret token, Secret readToken, String database, boolean tls,
                         String caFile, String clientCertFile, String clientKeyFile, int connectTimeoutMs,
                         int rpcDeadlineMs, int maxRetries, int maxRetryMs, int indexTimeoutS, int loadTimeoutS) {
        /** A client certificate is configured: the connection is mutual TLS. */
        public boolean mutualTls() {
            return !clientCertFile.isEmpty();
        }
    }

    /**
     * {@code url} is used in mode standalone; {@code sentinels} + {@code masterName} (+ the sentinels' own
     * credentials) in mode sentinel; {@code nodes} in mode cluster. {@code user}/{@code password} are the data
     * nodes' credentials in every mode; {@code tls} is on for a rediss:// URL or {@code redis.tls};
     * {@code clientCertFile}/{@code clientKeyFile}: mutual TLS, both set or both empty.
     */
    public record Redis(String url, String user, Secret password, int timeoutMs, String keyPrefix, String currentKey,
                        String buildingKey, RedisMode mode, List<HostPort> sentinels, String masterName,
                        String sentinelUser, Secret sentinelPassword, List<HostPort> nodes, boolean tls, String caFile,
                        String clientCertFile, String clientKeyFile, int failoverWaitMs) {
        /** A client certificate is configured: every Redis connection (and sentinel) is mutual TLS. */
        public boolean mutualTls() {
            return !clientCertFile.isEmpty();
        }
    }

    public record Collection(String baseName, Naming naming, int partitions, Metric metric, String idField,
                             String vectorField, List<ScalarField> scalarFields, String alias) {
    }

    public record Index(String type, Map<String, String> params) {
    }

    public record Search(int topk, Map<String, String> params, int timeoutMs) {
    }

    public record Thresholds(long minRows, OptionalLong maxShrinkRows, OptionalDouble maxShrinkPct,
                             OptionalLong maxGrowthRows, OptionalDouble maxGrowthPct, Tolerance maxBadRows,
                             Tolerance maxSourceDrift) {
    }

    /**
     * The recall gate and content spot-check before a switch (issue 12 §1-2).
     *
     * @param minOverlap empty = the overlap with the serving collection is only reported
     * @param spotCheck  rows compared with the source; 0 = no spot-check
     * @param cacheDir   absolute directory of the ground-truth cache (bench's)
     */
    public record Gate(boolean enabled, int queries, long seed, double minRecall, OptionalDouble minOverlap,
                       int spotCheck, String cacheDir) {
    }

    public record Warmup(int maxQueries, int window, double settlePct, int timeoutS) {
    }

    /**
     * The serve probe after a switch (issue 12 §3): {@code queries} fan-out queries (0 = off), failing above
     * {@code maxP99Ms}; {@code --watch} repeats it every {@code watchIntervalMs}.
     */
    public record Probe(int queries, int maxP99Ms, int watchIntervalMs) {
        public boolean enabled() {
            return queries > 0;
        }
    }

    public record Retention(int keep, int graceS) {
    }

    public record Alert(Secret webhookUrl, boolean onSuccess, int timeoutMs) {
    }

    /** @param textfile absolute path of the Prometheus textfile, or empty for none */
    public record Metrics(String textfile) {
    }

    public record Build(int batchRows, long batchBytes, int readers, int writers, int queueBatches, int lockTtlS,
                        BuildMethod method, Import imports) {
    }

    /** How the rows reach Milvus: insert requests from recallctl, or files the data nodes import. */
    public enum BuildMethod { INSERT, IMPORT }

    /** Bulk import (build.method: import): where the files go and how long the server may take. */
    public record Import(String storage, String localDir, int timeoutS, S3 s3) {
        public boolean isS3() {
            return "s3".equals(storage);
        }
    }

    /** The bucket Milvus reads imports from (its own object storage), for build.import.storage: s3. */
    public record S3(String endpoint, String bucket, String prefix, String region, Secret accessKey,
                     Secret secretKey, boolean pathStyle) {
    }

    /** Every secret this config holds, from every slot of {@link SecretSlots}: what the redactor must know. */
    public List<Secret> secrets() {
        return SecretSlots.secrets(this);
    }
}
