package org.recallctl.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every configuration key recallctl knows, with its type, default and one-line doc. This table is the single
 * source of truth: the loader validates against it, {@code config show} prints it, and a test checks that
 * {@code conf/recallctl.yaml} documents every key with this default.
 */
public final class ConfigSchema {
    public static final String ENV_PREFIX = "RECALLCTL_";
    /** Keys under these prefixes are free-form parameter maps (validated later against the index type). */
    public static final List<String> PARAM_PREFIXES = List.of("index.params.", "search.params.");

    private final Map<String, ConfigKey> keys = new LinkedHashMap<>();

    private ConfigSchema() {
        str("pipeline.name", "items", "pipeline name; part of the Redis key names (hash tag {name})");

        str("source.jdbc_url", "jdbc:mysql://127.0.0.1:13306/recall", "JDBC URL of the MySQL/MariaDB item database "
                + "(credentials in it, user:pw@ or ?password=, win over source.user/password and are never printed)");
        str("source.user", "recallctl", "database user");
        secret("source.password", "", "database password: prefer RECALLCTL_SOURCE_PASSWORD or source.password_file");
        path("source.password_file", "", "file holding the database password (relative to this config file)");
        str("source.table", "items", "item table");
        str("source.id_column", "item_id", "integer primary key column (the Milvus primary key)");
        str("source.vector_column", "vector", "column holding the item vector");
        choice("source.encoding", "json", "vector encoding in that column", "json", "csv", "f32le", "base64");
        integer("source.dimension", "128", "vector dimension; rows with another dimension are rejected");
        str("source.where", "", "optional SQL condition selecting the rows to publish (trusted operator input)");
        bool("source.normalize", "false", "L2-normalize vectors while building (rejects zero vectors)");
        integer("source.fetch_size", "5000", "no effect since the readers stream rows one at a time (no server-side cursor); accepted so older configs load");
        integer("source.connect_timeout_ms", "5000", "connect timeout for MySQL");
        path("source.ca_file", "", "CA certificate (PEM) to verify the database server with; implies sslMode=VERIFY_IDENTITY "
                + "unless source.jdbc_url sets VERIFY_CA or VERIFY_IDENTITY itself");
        path("source.client_cert_file", "", "mutual TLS (an account created REQUIRE X509/SUBJECT/ISSUER): the client "
                + "certificate (PEM) recallctl presents to the database; needs source.client_key_file and source.ca_file");
        path("source.client_key_file", "", "the client certificate's private key: unencrypted PKCS#8 PEM "
                + "(-----BEGIN PRIVATE KEY-----), readable only by the operator");

        str("milvus.write_uri", "http://127.0.0.1:19531", "Milvus endpoint for writes (create, insert, index, load)");
        str("milvus.read_uri", "", "Milvus endpoint for searches; empty = milvus.write_uri");
        secret("milvus.token", "", "Milvus token (user:password or API key): prefer RECALLCTL_MILVUS_TOKEN");
        path("milvus.token_file", "", "file holding the Milvus token");
        secret("milvus.read_token", "", "token for the read endpoint only (search, bench, warm-up and probe queries),"
                + " e.g. a user with the read role; empty = milvus.token: prefer RECALLCTL_MILVUS_READ_TOKEN");
        path("milvus.read_token_file", "", "file holding the read endpoint's token");
        str("milvus.database", "", "Milvus database; empty = the server default");
        bool("milvus.tls", "false", "use TLS (an https URI or milvus.ca_file implies it); the server's certificate "
                + "must name the URI's host");
        path("milvus.ca_file", "", "CA certificate (PEM) that signed the Milvus server's certificate; implies TLS; "
                + "empty = the JVM's trust store. The local stack's CA: ../.stack-full/tls/ca.crt");
        path("milvus.client_cert_file", "", "mutual TLS (Milvus common.security.tlsMode: 2): the client certificate "
                + "(PEM) recallctl presents; needs milvus.client_key_file and milvus.ca_file");
        path("milvus.client_key_file", "", "the client certificate's private key: unencrypted PKCS#8 PEM "
                + "(-----BEGIN PRIVATE KEY-----), readable only by the operator");
        integer("milvus.connect_timeout_ms", "5000", "connect timeout");
        integer("milvus.rpc_deadline_ms", "30000", "deadline for each RPC, so an outage becomes an error in bounded time");
        integer("milvus.max_retries", "3", "retries of a failed RPC, inserts included (bounded; the post-build check catches a duplicated batch)");
        integer("milvus.max_retry_ms", "10000", "total time budget for those retries");
        integer("milvus.index_timeout_s", "1800", "how long to wait for an index build");
        integer("milvus.load_timeout_s", "600", "how long to wait for a collection to load");

        choice("redis.mode", "standalone", "standalone: one server at redis.url; sentinel: the master that "
                + "redis.sentinels know as redis.master_name; cluster: a Redis Cluster reached through redis.nodes",
                "standalone", "sentinel", "cluster");
        str("redis.url", "redis://127.0.0.1:16379", "mode standalone: Redis URL (rediss:// for TLS); unused in the other modes; "
                + "a password in it (redis://:pw@host, redis://user:pw@host) is used when redis.password is empty, and never printed");
        str("redis.user", "", "Redis ACL user; empty = default user");
        secret("redis.password", "", "Redis password: prefer RECALLCTL_REDIS_PASSWORD or redis.password_file");
        path("redis.password_file", "", "file holding the Redis password");
        list("redis.sentinels", "", "mode sentinel: sentinel addresses host:port (one is enough, list a few)");
        str("redis.master_name", "", "mode sentinel: the name the sentinels monitor the master under");
        str("redis.sentinel_user", "", "mode sentinel: ACL user for the sentinels; empty = default user");
        secret("redis.sentinel_password", "", "mode sentinel: the sentinels' own password (their requirepass): "
                + "prefer RECALLCTL_REDIS_SENTINEL_PASSWORD or redis.sentinel_password_file");
        path("redis.sentinel_password_file", "", "file holding the sentinels' password");
        list("redis.nodes", "", "mode cluster: cluster nodes host:port to start from (the rest are discovered)");
        bool("redis.tls", "false", "use TLS to every Redis server and sentinel (a rediss:// redis.url implies it)");
        path("redis.ca_file", "", "CA certificate (PEM) that signed the Redis servers' certificates; empty = the JVM's trust store");
        path("redis.client_cert_file", "", "mutual TLS (redis-server tls-auth-clients yes/optional): the client "
                + "certificate (PEM) recallctl presents to every Redis server and sentinel; needs redis.client_key_file");
        path("redis.client_key_file", "", "the client certificate's private key: unencrypted PKCS#8 PEM "
                + "(-----BEGIN PRIVATE KEY-----), readable only by the operator");
        integer("redis.failover_wait_ms", "15000", "modes sentinel and cluster: how long a command keeps retrying while a "
                + "failover moves the master");
        integer("redis.timeout_ms", "2000", "connect and socket timeout");
        str("redis.key_prefix", "recall", "key names are <prefix>:{<pipeline>}:current|building|history|lock");
        str("redis.current_key", "", "override of key1 (the key the search service reads); empty = derived; "
                + "in mode cluster it must contain the {<pipeline>} hash tag");
        str("redis.building_key", "", "override of key2; empty = derived; in mode cluster it must contain the {<pipeline>} hash tag");

        str("collection.base_name", "items", "collection names are <base>_a/<base>_b or <base>_<yyyyMMddHHmmss>");
        choice("collection.naming", "timestamp", "new collection naming: timestamp keeps rollback; alternate is A/B",
                "timestamp", "alternate");
        integer("collection.partitions", "16", "partitions per collection; item goes to partition item_id mod P");
        choice("collection.metric", "IP", "similarity metric", "IP", "L2", "COSINE");
        str("collection.id_field", "item_id", "primary key field name in Milvus");
        str("collection.vector_field", "vector", "vector field name in Milvus");
        list("collection.scalar_fields", "", "extra columns copied to Milvus, name:type (int64,int32,int16,int8,"
                + "bool,float,double,varchar(N)), e.g. category:int64");
        str("collection.alias", "", "Milvus alias mirrored on switch; empty = no alias");

        choice("index.type", "IVF_FLAT", "index type", "IVF_FLAT", "IVF_SQ8", "IVF_PQ", "HNSW", "FLAT", "AUTOINDEX");
        keys.put("index.params.nlist", new ConfigKey("index.params.nlist", ValueType.STRING, "1024",
                "index build parameters (index.params.<name>), e.g. nlist for IVF, M/efConstruction for HNSW",
                List.of(), false));

        integer("search.topk", "10", "default TopK");
        keys.put("search.params.nprobe", new ConfigKey("search.params.nprobe", ValueType.STRING, "16",
                "search parameters (search.params.<name>), e.g. nprobe for IVF, ef for HNSW", List.of(), false));
        integer("search.timeout_ms", "2000", "deadline of one partition search");

        integer("thresholds.min_rows", "1", "refuse to build or switch below this many rows");
        str("thresholds.max_shrink_rows", "", "refuse if the new count is this many rows below the serving one; empty = off");
        str("thresholds.max_shrink_pct", "10", "refuse if the new count is this % below the serving one; empty = off");
        str("thresholds.max_growth_rows", "", "refuse if the new count is this many rows above the serving one; empty = off");
        str("thresholds.max_growth_pct", "50", "refuse if the new count is this % above the serving one; empty = off");
        str("thresholds.max_bad_rows", "0.1%", "tolerated rejected rows: a count (100) or a percentage (0.1%)");
        str("thresholds.max_source_drift", "1%", "tolerated change of the live table while a build reads it (rows "
                + "inserted or deleted meanwhile): a count or a percentage of the rows read");

        bool("gate.enabled", "true", "rebuild and switch --to run the recall gate and the content spot-check between check_built "
                + "and switch; false turns both off (said loudly in the output, run report and metrics, like --skip-gate)");
        integer("gate.queries", "200", "query vectors sampled from the source (fixed seed) whose exact TopK (K = "
                + "search.topk, brute force, bench's ground-truth cache) the new collection must find");
        integer("gate.seed", "42", "seed of that sample: same seed and data, same queries, ground truth from the cache");
        str("gate.min_recall", "0.9", "refuse the switch (exit 3) when the new collection's mean recall@K, searched "
                + "with search.params through the fan-out, is below this (0..1)");
        str("gate.min_overlap", "", "refuse when the mean TopK overlap between the new and the serving collection "
                + "for the same queries is below this (0..1); empty = reported only");
        integer("gate.spot_check", "100", "rows read back from the new collection (vector and scalar fields) and "
                + "compared with the source rows after the build's normalisation; any mismatch refuses; 0 = off");
        path("gate.cache_dir", "", "ground-truth cache shared with bench; empty = $XDG_CACHE_HOME/recallctl or "
                + "~/.cache/recallctl");

        integer("warmup.max_queries", "500", "stop warming after this many simulated queries");
        integer("warmup.window", "50", "queries per window when testing whether p99 has settled");
        str("warmup.settle_pct", "10", "p99 is settled when two windows differ by less than this %");
        integer("warmup.timeout_s", "300", "warm-up time budget");

        integer("probe.queries", "20", "serve probe after every switch: queries on the read endpoint against the "
                + "collection key1 (and the alias) resolve to; a failure reverts the switch (exit 3); 0 = no probe");
        integer("probe.max_p99_ms", "1000", "the probe fails when the p99 of its fan-out queries is above this");
        integer("probe.watch_interval_ms", "2000", "pause between probe rounds during --watch DURATION");

        integer("retention.keep", "2", "generations kept: the serving one plus keep-1 history entries for rollback (marked collections only)");
        integer("retention.grace_s", "600", "the previous collection stays loaded this long after a switch; then the next run or prune releases it");

        secret("alert.webhook_url", "", "HTTP endpoint receiving a JSON POST on failure; empty = no alert. Secret "
                + "(it usually carries a token): prefer RECALLCTL_ALERT_WEBHOOK_URL or alert.webhook_url_file");
        path("alert.webhook_url_file", "", "file holding the webhook URL");
        bool("alert.on_success", "false", "also alert on success");
        integer("alert.timeout_ms", "3000", "webhook timeout");

        path("metrics.textfile", "", "Prometheus text file written after every mutating run, for node_exporter's "
                + "textfile collector (a *.prom file in its directory); empty = no metrics");

        integer("build.batch_rows", "2000", "rows per insert request at most");
        str("build.batch_bytes", "16777216", "bytes per insert request at most (server limit 64 MiB)");
        integer("build.readers", "2", "parallel MySQL readers (key ranges)");
        integer("build.writers", "2", "parallel Milvus insert writers");
        integer("build.queue_batches", "8", "batches buffered between readers and writers (backpressure)");
        integer("build.lock_ttl_s", "60", "run lock lifetime; renewed while running, expires if the run dies");
        choice("build.method", "insert", "insert: recallctl sends insert requests; import: recallctl writes NumPy files"
                + " per partition and the Milvus data nodes import them (Milvus 2.3+, not milvus-lite)", "insert", "import");
        choice("build.import.storage", "local", "where import files go: local (build.import.local_dir, a path the data"
                + " nodes read too) or s3 (the bucket Milvus uses as its object storage)", "local", "s3");
        str("build.import.local_dir", "", "storage local: ABSOLUTE directory shared with the Milvus data nodes (same"
                + " host for a standalone server, NFS/GlusterFS for a cluster); files are removed after a good import");
        integer("build.import.timeout_s", "7200", "how long to wait for the import jobs to complete");
        str("build.import.s3.endpoint", "", "storage s3: endpoint URL, e.g. http://minio:9000 (empty = AWS for the region)");
        str("build.import.s3.bucket", "", "storage s3: Milvus's own bucket (minio.bucketName in milvus.yaml)");
        str("build.import.s3.prefix", "recallctl-import", "storage s3: key prefix for import files inside that bucket");
        str("build.import.s3.region", "us-east-1", "storage s3: region");
        secret("build.import.s3.access_key", "", "storage s3: access key id: prefer RECALLCTL_BUILD_IMPORT_S3_ACCESS_KEY");
        path("build.import.s3.access_key_file", "", "file holding the access key id");
        secret("build.import.s3.secret_key", "", "storage s3: secret key: prefer RECALLCTL_BUILD_IMPORT_S3_SECRET_KEY");
        path("build.import.s3.secret_key_file", "", "file holding the secret key");
        bool("build.import.s3.path_style", "true", "storage s3: path-style URLs (MinIO, SeaweedFS); false for AWS"
                + " virtual-hosted style");
    }

    private static final ConfigSchema INSTANCE = new ConfigSchema();

    public static ConfigSchema get() {
        return INSTANCE;
    }

    private void put(String name, ValueType type, String def, String doc, List<String> choices, boolean secret) {
        keys.put(name, new ConfigKey(name, type, def, doc, choices, secret));
    }

    private void str(String n, String d, String doc) { put(n, ValueType.STRING, d, doc, List.of(), false); }
    private void integer(String n, String d, String doc) { put(n, ValueType.INT, d, doc, List.of(), false); }
    private void bool(String n, String d, String doc) { put(n, ValueType.BOOL, d, doc, List.of(), false); }
    private void list(String n, String d, String doc) { put(n, ValueType.LIST, d, doc, List.of(), false); }
    private void path(String n, String d, String doc) { put(n, ValueType.PATH, d, doc, List.of(), false); }
    private void secret(String n, String d, String doc) { put(n, ValueType.SECRET, d, doc, List.of(), true); }
    private void choice(String n, String d, String doc, String... c) {
        put(n, ValueType.STRING, d, doc, List.of(c), false);
    }

    public Map<String, ConfigKey> keys() {
        return Collections.unmodifiableMap(keys);
    }

    /** The key for {@code name}: a declared key, or a free-form parameter under a params prefix. */
    public Optional<ConfigKey> find(String name) {
        ConfigKey k = keys.get(name);
        if (k != null) {
            return Optional.of(k);
        }
        for (String prefix : PARAM_PREFIXES) {
            if (name.startsWith(prefix) && name.length() > prefix.length()
                    && name.substring(prefix.length()).matches("[A-Za-z_][A-Za-z0-9_]*")) {
                return Optional.of(new ConfigKey(name, ValueType.STRING, "", "parameter", List.of(), false));
            }
        }
        return Optional.empty();
    }

    /** Maps an environment variable name back to a key, or empty when it names none. */
    public Optional<String> keyForEnv(String envName) {
        for (ConfigKey k : keys.values()) {
            if (k.envName().equals(envName)) {
                return Optional.of(k.name());
            }
        }
        for (String prefix : PARAM_PREFIXES) {
            String envPrefix = ENV_PREFIX + prefix.toUpperCase(Locale.ROOT).replace('.', '_');
            if (envName.startsWith(envPrefix) && envName.length() > envPrefix.length()) {
                return Optional.of(prefix + envName.substring(envPrefix.length()).toLowerCase(Locale.ROOT));
            }
        }
        return Optional.empty();
    }

    /** "unknown key 'x'" with the nearest valid key, so a typo is fixed in one go. */
    public String unknownKeyMessage(String name, String origin) {
        String nearest = nearest(name);
        return "unknown config key '" + name + "' (" + origin + ")"
                + (nearest == null ? "; see 'recallctl config show' for the valid keys"
                        : "; did you mean '" + nearest + "'?");
    }

    String nearest(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        List<String> candidates = new ArrayList<>(keys.keySet());
        for (String c : candidates) {
            int d = Math.min(distance(name, c), distance(lastSegment(name), lastSegment(c)) + 2);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return bestDistance <= Math.max(3, name.length() / 3) ? best : null;
    }

    private static String lastSegment(String s) {
        return s.substring(s.lastIndexOf('.') + 1);
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
