package org.recallctl.config;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.recallctl.error.ConfigException;

/** Turns the merged raw values into a typed {@link RecallConfig}, with one clear error per bad value. */
final class ConfigBinder {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    /** Milvus names: letters, digits, underscores; the generated suffix needs room (limit 255). */
    private static final Pattern MILVUS_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,200}");
    private static final long MILVUS_INSERT_LIMIT = 64L * 1024 * 1024;

    private final Map<String, ConfigValue> values;
    private final Path baseDir;
    private final Map<String, String> env;

    /** {@code env}: the process environment, for defaults that follow it (gate.cache_dir: XDG_CACHE_HOME). */
    ConfigBinder(Map<String, ConfigValue> values, Path baseDir, Map<String, String> env) {
        this.values = values;
        this.baseDir = baseDir;
        this.env = env;
    }

    RecallConfig bind() {
        String pipeline = name("pipeline.name", IDENTIFIER);
        var source = new RecallConfig.Source(
                nonEmpty("source.jdbc_url"), str("source.user"), secret("source.password", "source.password_file"),
                name("source.table", IDENTIFIER), name("source.id_column", IDENTIFIER),
                name("source.vector_column", IDENTIFIER),
                RecallConfig.Encoding.valueOf(choice("source.encoding").toUpperCase(Locale.ROOT)),
                intIn("source.dimension", 1, 32768), str("source.where"), bool("source.normalize"),
                intIn("source.fetch_size", 1, 1_000_000), intIn("source.connect_timeout_ms", 1, 600_000),
                path("source.ca_file"), path("source.client_cert_file"), path("source.client_key_file"));
        if (!source.jdbcUrl().startsWith("jdbc:mysql:") && !source.jdbcUrl().startsWith("jdbc:mariadb:")) {
            throw bad("source.jdbc_url", "must start with jdbc:mysql:// (e.g. jdbc:mysql://db:3306/recall)");
        }
        checkSourceTls(source);
        String writeUri = nonEmpty("milvus.write_uri");
        String readUri = str("milvus.read_uri").isBlank() ? writeUri : str("milvus.read_uri");
        var milvus = new RecallConfig.Milvus(uri("milvus.write_uri", writeUri), uri("milvus.read_uri", readUri),
                secret("milvus.token", "milvus.token_file"), secret("milvus.read_token", "milvus.read_token_file"),
                str("milvus.database"), bool("milvus.tls"),
                path("milvus.ca_file"), path("milvus.client_cert_file"), path("milvus.client_key_file"),
                intIn("milvus.connect_timeout_ms", 1, 600_000),
                intIn("milvus.rpc_deadline_ms", 1, 3_600_000), intIn("milvus.max_retries", 0, 100),
                intIn("milvus.max_retry_ms", 0, 3_600_000), intIn("milvus.index_timeout_s", 1, 86_400),
                intIn("milvus.load_timeout_s", 1, 86_400));
        checkMilvusClientCertificate(milvus);
        var redis = redis(pipeline);
        List<ScalarField> scalars = new ArrayList<>();
        for (String spec : list("collection.scalar_fields")) {
            scalars.add(ScalarField.parse(spec, "collection.scalar_fields (" + origin("collection.scalar_fields") + ")"));
        }
        String alias = str("collection.alias");
        if (!alias.isEmpty()) {
            name("collection.alias", MILVUS_NAME);
        }
        var collection = new RecallConfig.Collection(name("collection.base_name", MILVUS_NAME),
                RecallConfig.Naming.valueOf(choice("collection.naming").toUpperCase(Locale.ROOT)),
                intIn("collection.partitions", 1, 4096),
                Metric.valueOf(choice("collection.metric").toUpperCase(Locale.ROOT)),
                name("collection.id_field", MILVUS_NAME), name("collection.vector_field", MILVUS_NAME), scalars, alias);
        var index = new RecallConfig.Index(choice("index.type").toUpperCase(Locale.ROOT), params("index.params."));
        var search = new RecallConfig.Search(intIn("search.topk", 1, 16384), params("search.params."),
                intIn("search.timeout_ms", 1, 600_000));
        var thresholds = new RecallConfig.Thresholds(longIn("thresholds.min_rows", 0),
                optionalLong("thresholds.max_shrink_rows"), optionalPct("thresholds.max_shrink_pct"),
                optionalLong("thresholds.max_growth_rows"), optionalPct("thresholds.max_growth_pct"),
                Tolerance.parse(str("thresholds.max_bad_rows"), "thresholds.max_bad_rows (" + origin("thresholds.max_bad_rows") + ")"),
                Tolerance.parse(str("thresholds.max_source_drift"), "thresholds.max_source_drift ("
                        + origin("thresholds.max_source_drift") + ")"));
        var warmup = new RecallConfig.Warmup(intIn("warmup.max_queries", 0, 10_000_000), intIn("warmup.window", 1, 1_000_000),
                doubleIn("warmup.settle_pct", 0, 1000), intIn("warmup.timeout_s", 1, 86_400));
        var retention = new RecallConfig.Retention(intIn("retention.keep", 1, 1000), intIn("retention.grace_s", 0, 31_536_000));
        var alert = new RecallConfig.Alert(secret("alert.webhook_url", "alert.webhook_url_file"), bool("alert.on_success"),
                intIn("alert.timeout_ms", 1, 600_000));
        long batchBytes = longIn("build.batch_bytes", 1024);
        if (batchBytes > MILVUS_INSERT_LIMIT - 1024 * 1024) {
            throw bad("build.batch_bytes", "must stay under Milvus's 64 MiB insert limit (max 66060288)");
        }
        var build = new RecallConfig.Build(intIn("build.batch_rows", 1, 1_000_000), batchBytes,
                intIn("build.readers", 1, 64), intIn("build.writers", 1, 64), intIn("build.queue_batches", 1, 10_000),
                intIn("build.lock_ttl_s", 5, 86_400),
                RecallConfig.BuildMethod.valueOf(str("build.method").toUpperCase(java.util.Locale.ROOT)),
                new RecallConfig.Import(str("build.import.storage"), str("build.import.local_dir"),
                        intIn("build.import.timeout_s", 1, 604_800),
                        new RecallConfig.S3(str("build.import.s3.endpoint"), str("build.import.s3.bucket"),
                                str("build.import.s3.prefix"), str("build.import.s3.region"),
                                secret("build.import.s3.access_key", "build.import.s3.access_key_file"),
                                secret("build.import.s3.secret_key", "build.import.s3.secret_key_file"),
                                bool("build.import.s3.path_style"))));
        var metrics = new RecallConfig.Metrics(path("metrics.textfile"));
        var probe = new RecallConfig.Probe(intIn("probe.queries", 0, 16384), intIn("probe.max_p99_ms", 1, 600_000),
                intIn("probe.watch_interval_ms", 100, 3_600_000));
        return new RecallConfig(pipeline, source, milvus, redis, collection, index, search, thresholds, warmup,
                retention, alert, build, metrics, gate(), probe);
    }

    private RecallConfig.Gate gate() {
        String overlap = str("gate.min_overlap");
        String cache = path("gate.cache_dir");
        if (cache.isEmpty()) { // the directory bench uses, so the gate and bench share one ground-truth cache
            cache = CacheDirs.groundTruth(env).toAbsolutePath().toString();
        }
        return new RecallConfig.Gate(bool("gate.enabled"), intIn("gate.queries", 1, 16384), parseLong("gate.seed"),
                doubleIn("gate.min_recall", 0, 1),
                overlap.isBlank() ? OptionalDouble.empty() : OptionalDouble.of(doubleIn("gate.min_overlap", 0, 1)),
                intIn("gate.spot_check", 0, 100_000), cache);
    }

    private RecallConfig.Redis redis(String pipeline) {
        var mode = RecallConfig.RedisMode.valueOf(choice("redis.mode").toUpperCase(Locale.ROOT));
        String url = str("redis.url");
        if (mode == RecallConfig.RedisMode.STANDALONE) {
            nonEmpty("redis.url");
        }
        if (!url.isEmpty() && !url.startsWith("redis://") && !url.startsWith("rediss://")) {
            throw bad("redis.url", "must start with redis:// or rediss:// (e.g. redis://127.0.0.1:6379/0)");
        }
        List<HostPort> sentinels = hostPorts("redis.sentinels");
        List<HostPort> nodes = hostPorts("redis.nodes");
        String masterName = str("redis.master_name");
        if (mode == RecallConfig.RedisMode.SENTINEL) {
            if (sentinels.isEmpty()) {
                throw bad("redis.sentinels", "is required in redis.mode sentinel: list the sentinels as host:port");
            }
            nonEmpty("redis.master_name");
        } else if (!sentinels.isEmpty()) {
            throw bad("redis.sentinels", "is set, but redis.mode is " + choice("redis.mode")
                    + "; set redis.mode: sentinel to use them");
        }
        if (mode == RecallConfig.RedisMode.CLUSTER) {
            if (nodes.isEmpty()) {
                throw bad("redis.nodes", "is required in redis.mode cluster: list one or more cluster nodes as host:port");
            }
        } else if (!nodes.isEmpty()) {
            throw bad("redis.nodes", "is set, but redis.mode is " + choice("redis.mode") + "; set redis.mode: cluster to use them");
        }
        Secret redisPassword = secret("redis.password", "redis.password_file");
        String redisUser = str("redis.user");
        String[] inUrl = url.isEmpty() ? null : userInfo(url);
        if (inUrl != null) {
            // redis://user:pw@host: the URL's credentials count when the dedicated keys are empty (jedis gets
            // host and port only, so they would be dropped silently otherwise)
            if (redisPassword.isSet() && !inUrl[1].isEmpty()) {
                throw bad("redis.url", "carries a password and redis.password (or redis.password_file) is set too; keep one");
            }
            redisPassword = inUrl[1].isEmpty() ? redisPassword : new Secret(inUrl[1]);
            redisUser = redisUser.isEmpty() ? inUrl[0] : redisUser;
        }
        var redis = new RecallConfig.Redis(url, redisUser, redisPassword,
                intIn("redis.timeout_ms", 1, 600_000), nonEmpty("redis.key_prefix"), str("redis.current_key"),
                str("redis.building_key"), mode, sentinels, masterName, str("redis.sentinel_user"),
                secret("redis.sentinel_password", "redis.sentinel_password_file"), nodes,
                bool("redis.tls") || (mode == RecallConfig.RedisMode.STANDALONE && url.startsWith("rediss://")),
                path("redis.ca_file"), path("redis.client_cert_file"), path("redis.client_key_file"),
                intIn("redis.failover_wait_ms", 0, 600_000));
        checkRedisClientCertificate(redis);
        if (mode == RecallConfig.RedisMode.CLUSTER) {
            requireHashTag(pipeline, redis);
        }
        return redis;
    }

    /**
     * On a cluster the switch script updates key1, key2, history and the lock in one go, and Redis Cluster runs a
     * script only on keys of one slot: every key must hash on the same {pipeline} tag.
     */
    private void requireHashTag(String pipeline, RecallConfig.Redis r) {
        String why = "in redis.mode cluster every key of the pipeline must carry the hash tag {" + pipeline
                + "}, because the switch and lock scripts update key1, key2, history and lock together and Redis "
                + "Cluster runs a script only on keys of one slot";
        String derived = r.keyPrefix() + ":{" + pipeline + "}:current";
        if (!HashTag.of(derived).equals(pipeline)) {
            throw bad("redis.key_prefix", "'" + r.keyPrefix() + "' contains a hash tag of its own ({"
                    + HashTag.of(derived) + "}); " + why + "; drop the braces from the prefix");
        }
        for (String key : List.of("redis.current_key", "redis.building_key")) {
            String name = str(key);
            if (!name.isEmpty() && !HashTag.of(name).equals(pipeline)) {
                throw bad(key, "'" + name + "' does not carry the hash tag {" + pipeline + "}; " + why
                        + "; rename it, e.g. '" + HashTag.suggest(name, pipeline) + "'");
            }
        }
    }

    /** Redis mutual TLS: the certificate with its key, over TLS (the CA may be the JVM's trust store). */
    private void checkRedisClientCertificate(RecallConfig.Redis r) {
        requirePair("redis", r.clientCertFile(), r.clientKeyFile());
        if (r.mutualTls() && !r.tls()) {
            throw bad("redis.client_cert_file", "is set but the connection is not TLS; use a rediss:// redis.url or "
                    + "redis.tls: true");
        }
    }

    /** {@code PREFIX.client_cert_file} and {@code PREFIX.client_key_file}: both or neither. */
    private void requirePair(String prefix, String cert, String key) {
        if (cert.isEmpty() != key.isEmpty()) {
            String set = prefix + (cert.isEmpty() ? ".client_key_file" : ".client_cert_file");
            String missing = prefix + (cert.isEmpty() ? ".client_cert_file" : ".client_key_file");
            throw bad(set, "is set but " + missing + " is not; mutual TLS needs both the certificate and its key");
        }
    }

    /**
     * Mutual TLS needs the certificate, its key and the CA to verify the server with (the SDK's two-way channel
     * takes all three; without the CA it silently falls back to no client certificate).
     */
    private void checkMilvusClientCertificate(RecallConfig.Milvus m) {
        requirePair("milvus", m.clientCertFile(), m.clientKeyFile());
        if (m.mutualTls() && m.caFile().isEmpty()) {
            throw bad("milvus.client_cert_file", "needs milvus.ca_file too: the CA (PEM) that signed the Milvus "
                    + "server's certificate (mutual TLS verifies both sides)");
        }
    }

    /**
     * A CA file is for verifying the server: a JDBC sslMode that does not verify would silently ignore it. A
     * client certificate comes with its key and that CA (recallctl does not present a certificate to a server it
     * has not verified), and is not given twice.
     */
    private void checkSourceTls(RecallConfig.Source s) {
        requirePair("source", s.clientCertFile(), s.clientKeyFile());
        if (s.mutualTls() && s.caFile().isEmpty()) {
            throw bad("source.client_cert_file", "needs source.ca_file too: the CA (PEM) that signed the database "
                    + "server's certificate (mutual TLS verifies both sides)");
        }
        if (s.mutualTls() && s.jdbcUrl().matches("(?i).*[?&]clientCertificateKeyStoreUrl=.*")) {
            throw bad("source.client_cert_file", "and clientCertificateKeyStoreUrl in source.jdbc_url both name a "
                    + "client certificate; keep one");
        }
        if (s.caFile().isEmpty()) {
            return;
        }
        String mode = s.sslMode().orElse("");
        if (!mode.isEmpty() && !mode.equalsIgnoreCase("VERIFY_IDENTITY") && !mode.equalsIgnoreCase("VERIFY_CA")) {
            throw bad("source.ca_file", "is set, but source.jdbc_url asks for sslMode=" + mode
                    + ", which does not verify the server's certificate; use sslMode=VERIFY_IDENTITY (or drop sslMode)");
        }
        if (s.jdbcUrl().matches("(?i).*[?&]trustCertificateKeyStoreUrl=.*")) {
            throw bad("source.ca_file", "and trustCertificateKeyStoreUrl in source.jdbc_url both name a trust store; keep one");
        }
    }

    private List<HostPort> hostPorts(String key) {
        List<HostPort> out = new ArrayList<>();
        for (String s : list(key)) {
            out.add(HostPort.parse(s, key + " (" + origin(key) + ")"));
        }
        return List.copyOf(out);
    }

    private String origin(String key) {
        ConfigValue v = values.get(key);
        return v == null ? "default" : v.origin();
    }

    private ConfigException bad(String key, String what) {
        return new ConfigException(key + " (" + origin(key) + "): " + what);
    }

    private String str(String key) {
        ConfigValue v = values.get(key);
        return v == null ? "" : v.text().trim();
    }

    private String nonEmpty(String key) {
        String s = str(key);
        if (s.isEmpty()) {
            throw bad(key, "is required");
        }
        return s;
    }

    private String name(String key, Pattern pattern) {
        String s = nonEmpty(key);
        if (!pattern.matcher(s).matches()) {
            throw bad(key, "'" + s + "' is not a valid name (letters, digits, underscore; not starting with a digit)");
        }
        return s;
    }

    private String choice(String key) {
        String s = str(key);
        List<String> choices = ConfigSchema.get().keys().get(key).choices();
        for (String c : choices) {
            if (c.equalsIgnoreCase(s)) {
                return c;
            }
        }
        throw bad(key, "'" + s + "' is not one of " + String.join(", ", choices));
    }

    private String uri(String key, String s) {
        if (s.matches("(?i)[a-z]+://[^/@]*@.*")) {
            // never echo the value: it holds a password
            throw bad(key, "carries credentials (user:password@); put them in milvus.token (user:password) "
                    + "or RECALLCTL_MILVUS_TOKEN / milvus.token_file instead");
        }
        if (!s.matches("(?i)(https?|tcp|grpc)://[^\\s/]+(:\\d+)?/?")) {
            throw bad(key, "'" + s + "' is not an endpoint like http://host:19530");
        }
        return s;
    }

    /**
     * {user, password} of a URL's {@code user:password@} part, URL-decoded (a malformed %-escape is taken
     * literally), or null when it has none.
     */
    private static String[] userInfo(String url) {
        var m = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://([^/@?#]*)@").matcher(url);
        if (!m.find() || !m.group(1).contains(":")) {
            return null;
        }
        String ui = m.group(1);
        int colon = ui.indexOf(':');
        try {
            return new String[] {URLDecoder.decode(ui.substring(0, colon), StandardCharsets.UTF_8),
                    URLDecoder.decode(ui.substring(colon + 1), StandardCharsets.UTF_8)};
        } catch (IllegalArgumentException e) {
            return new String[] {ui.substring(0, colon), ui.substring(colon + 1)};
        }
    }

    private boolean bool(String key) {
        String s = str(key).toLowerCase(Locale.ROOT);
        return switch (s) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw bad(key, "expected true or false, got '" + str(key) + "'");
        };
    }

    private int intIn(String key, int min, int max) {
        long v = parseLong(key);
        if (v < min || v > max) {
            throw bad(key, v + " is out of range " + min + ".." + max);
        }
        return (int) v;
    }

    private long longIn(String key, long min) {
        long v = parseLong(key);
        if (v < min) {
            throw bad(key, v + " must be at least " + min);
        }
        return v;
    }

    private long parseLong(String key) {
        String s = str(key).replace("_", "");
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw bad(key, "expected an integer, got '" + str(key) + "'");
        }
    }

    private double doubleIn(String key, double min, double max) {
        double v;
        try {
            v = Double.parseDouble(str(key));
        } catch (NumberFormatException e) {
            throw bad(key, "expected a number, got '" + str(key) + "'");
        }
        if (Double.isNaN(v) || v < min || v > max) {
            throw bad(key, str(key) + " is out of range " + min + ".." + max);
        }
        return v;
    }

    private OptionalLong optionalLong(String key) {
        return str(key).isEmpty() ? OptionalLong.empty() : OptionalLong.of(longIn(key, 0));
    }

    private OptionalDouble optionalPct(String key) {
        String s = str(key);
        if (s.endsWith("%")) {
            s = s.substring(0, s.length() - 1).trim();
        }
        if (s.isEmpty()) {
            return OptionalDouble.empty();
        }
        try {
            double v = Double.parseDouble(s);
            if (Double.isNaN(v) || v < 0) {
                throw new NumberFormatException();
            }
            return OptionalDouble.of(v);
        } catch (NumberFormatException e) {
            throw bad(key, "expected a percentage such as 10, got '" + str(key) + "'");
        }
    }

    private List<String> list(String key) {
        ConfigValue v = values.get(key);
        if (v == null || !(v.raw() instanceof List<?> l)) {
            return List.of();
        }
        return l.stream().map(String::valueOf).filter(s -> !s.isBlank()).toList();
    }

    private String path(String key) {
        String s = str(key);
        if (s.isEmpty()) {
            return "";
        }
        return resolve(key, s).toString();
    }

    /** Paths given in the file are relative to the file; paths from env or flags to the working directory. */
    private Path resolve(String key, String s) {
        Path p = Path.of(s);
        if (p.isAbsolute()) {
            return p;
        }
        boolean fromFile = !origin(key).startsWith("env ") && !origin(key).startsWith("--") && !"default".equals(origin(key));
        return (fromFile ? baseDir.resolve(p) : p.toAbsolutePath()).normalize();
    }

    private Secret secret(String key, String fileKey) {
        String direct = str(key);
        String file = fileKey == null ? "" : str(fileKey);
        if (!direct.isEmpty()) {
            return new Secret(direct);
        }
        if (file.isEmpty()) {
            return Secret.NONE;
        }
        Path p = resolve(fileKey, file);
        try {
            return new Secret(Files.readString(p).strip());
        } catch (IOException e) {
            throw bad(fileKey, "cannot read secret file " + p + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private Map<String, String> params(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix) && !v.text().isBlank()) {
                out.put(k.substring(prefix.length()), v.text().trim());
            }
        });
        return Map.copyOf(out);
    }
}
