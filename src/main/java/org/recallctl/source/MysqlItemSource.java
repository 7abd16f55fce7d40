package org.recallctl.source;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.recallctl.config.RecallConfig;
import org.recallctl.config.Redactor;
import org.recallctl.config.ScalarField;
import org.recallctl.error.DependencyException;
import org.recallctl.error.NetworkCause;
import org.recallctl.error.RecallctlException;
import org.recallctl.tls.PemIdentity;
import org.recallctl.tls.PemTrust;
import org.recallctl.tls.TlsProblem;

/**
 * The item table in MySQL/MariaDB over Connector/J with a small HikariCP pool (one connection per parallel
 * reader). Reader range queries stream row by row (Connector/J result streaming) so memory stays bounded whatever
 * the table size, and the server sends the first row at once: a server-side cursor ({@code useCursorFetch}) made
 * MariaDB copy each reader's whole key range into a temporary table first (1M x 128 import build: stream phase
 * 19.6 s with cursors, 13.8 s streaming).
 */
public final class MysqlItemSource implements ItemSource {
    private final HikariDataSource pool;
    /** The temporary key stores the driver reads (the client key's copy among them): removed on close. */
    private final List<Path> storeFiles;
    private final RecallConfig.Source cfg;
    private final String table;
    private final String id;
    private final String vector;
    private final List<String> scalarColumns;
    private final String where;
    /** Ids a Milvus int64 primary key can hold; NULL is not BETWEEN anything, so it is excluded too. */
    private final String int64Id;

    private MysqlItemSource(HikariDataSource pool, List<Path> storeFiles, RecallConfig config) {
        this.pool = pool;
        this.storeFiles = storeFiles;
        this.cfg = config.source();
        this.table = SqlIdentifier.quote(cfg.table(), "source.table");
        this.id = SqlIdentifier.quote(cfg.idColumn(), "source.id_column");
        this.vector = SqlIdentifier.quote(cfg.vectorColumn(), "source.vector_column");
        List<String> cols = new ArrayList<>();
        for (ScalarField f : config.collection().scalarFields()) {
            cols.add(SqlIdentifier.quote(f.name(), "collection.scalar_fields"));
        }
        this.scalarColumns = List.copyOf(cols);
        this.where = cfg.where().isBlank() ? "" : "(" + cfg.where() + ")";
        this.int64Id = id + " BETWEEN " + Long.MIN_VALUE + " AND " + Long.MAX_VALUE;
    }

    /** Opens the pool (failing fast when MySQL is unreachable) with room for {@code connections} readers. */
    public static MysqlItemSource open(RecallConfig config, int connections) {
        var s = config.source();
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(s.jdbcUrl());
        hc.setUsername(s.user());
        if (s.password().isSet()) {
            hc.setPassword(s.password().reveal());
        }
        hc.setMaximumPoolSize(Math.max(1, connections));
        hc.setMinimumIdle(1);
        hc.setConnectionTimeout(Math.max(250, s.connectTimeoutMs()));
        hc.setInitializationFailTimeout(Math.max(1, s.connectTimeoutMs()));
        hc.setPoolName("recallctl-mysql");
        hc.addDataSourceProperty("connectTimeout", s.connectTimeoutMs());
        // server-side prepared statements (binary protocol) as before, when useCursorFetch implied them; no
        // statement uses a cursor any more (stream() streams, the rest read small results)
        hc.addDataSourceProperty("useServerPrepStmts", "true");
        // a streaming reader stops reading while the writer queue is full; the server drops a client that reads
        // nothing for net_write_timeout seconds, which Connector/J sets to this for a streamed result (default
        // 600). A reader waits at most for the writers' Milvus calls, which fail the build by their own
        // deadlines and retries first: so at least an hour, and more when those deadlines allow more.
        hc.addDataSourceProperty("netTimeoutForStreamingResults", String.valueOf(streamingTimeoutS(config.milvus())));
        hc.addDataSourceProperty("rewriteBatchedStatements", "true");
        hc.addDataSourceProperty("tcpKeepAlive", "true");
        // loaded once, for the driver and for the probe that explains a refused handshake (the config requires
        // source.ca_file with a client certificate)
        PemTrust trust = s.caFile().isEmpty() ? null : PemTrust.load(s.caFile(), "source.ca_file");
        PemIdentity identity = s.mutualTls() ? PemIdentity.load(s.clientCertFile(), s.clientKeyFile(),
                "source.client_cert_file", "source.client_key_file") : null;
        List<Path> storeFiles = trust == null ? List.of() : verifiedTls(s, trust, identity, hc);
        try {
            return new MysqlItemSource(new HikariDataSource(hc), storeFiles, config);
        } catch (HikariPool.PoolInitializationException | IllegalArgumentException e) {
            deleteAll(storeFiles);
            Optional<String> refused = trust == null || TlsProblem.of(e).isPresent() ? Optional.empty()
                    : MysqlTlsProbe.problem(s, trust.sslContext(identity));
            throw refused.map(p -> tlsFailure(s, "connect", p, e)).orElseGet(() -> failure(s, "connect", e));
        }
    }

    /**
     * Seconds a streamed result may sit unread (see open): an hour, or twice the longest a writer's Milvus call may
     * take with its retries when that is longer.
     */
    static int streamingTimeoutS(RecallConfig.Milvus m) {
        long rpcMs = (long) m.rpcDeadlineMs() * (m.maxRetries() + 1L) + m.maxRetryMs();
        return (int) Math.min(Integer.MAX_VALUE, Math.max(3600L, 2 * rpcMs / 1000 + 1));
    }

    /**
     * source.ca_file: Connector/J takes a trust store, not a PEM file, so the CA goes into a private temporary
     * PKCS12 store; sslMode defaults to VERIFY_IDENTITY (the CA signed it and it is for this host name).
     * {@code identity} (source.client_cert_file/client_key_file, mutual TLS; null: none), checked as a pair when
     * loaded (a key that is not the certificate's is exit 2 before any connection), is handed over the same way.
     * Returns the store files written: the pool reads them for every new connection, so they live until close.
     */
    private static List<Path> verifiedTls(RecallConfig.Source s, PemTrust trust, PemIdentity identity, HikariConfig hc) {
        List<Path> files = new ArrayList<>();
        if (identity != null) {
            files.add(identity.writeStore());
            hc.addDataSourceProperty("clientCertificateKeyStoreUrl", files.get(0).toUri().toString());
            hc.addDataSourceProperty("clientCertificateKeyStoreType", "PKCS12");
            hc.addDataSourceProperty("clientCertificateKeyStorePassword", PemIdentity.storePassword());
        }
        files.add(trust.writeStore());
        hc.addDataSourceProperty("trustCertificateKeyStoreUrl", files.get(files.size() - 1).toUri().toString());
        hc.addDataSourceProperty("trustCertificateKeyStoreType", "PKCS12");
        hc.addDataSourceProperty("trustCertificateKeyStorePassword", PemTrust.storePassword());
        hc.addDataSourceProperty("fallbackToSystemTrustStore", "false");
        if (s.sslMode().isEmpty()) {
            hc.addDataSourceProperty("sslMode", "VERIFY_IDENTITY");
        }
        return List.copyOf(files);
    }

    /** Best effort: each file is also marked delete-on-exit, for a run that ends without closing the source. */
    private static void deleteAll(List<Path> files) {
        for (Path f : files) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                // left for the JVM's exit hook
            }
        }
    }

    /** {@code what} failed with {@code e}: one line naming the server, the problem and the setting to check. */
    static RecallctlException failure(RecallConfig.Source s, String what, Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = (e.getMessage() == null ? "" : e.getMessage());
        if (root != e && root.getMessage() != null && !m.contains(root.getMessage())) {
            m += ": " + root.getMessage();
        }
        m = m.replaceAll("\\s+", " ").trim();
        String where = hostOf(s.jdbcUrl());
        Optional<String> tls = TlsProblem.of(e, s.mutualTls());
        if (tls.isPresent()) {
            return tlsFailure(s, what, tls.get(), e);
        }
        if (m.contains("Access denied")) {
            // an account created REQUIRE X509 (or SUBJECT/ISSUER) refuses a login without a certificate the same way
            return new DependencyException("mysql", "MySQL at " + where + " refused the login (" + what + "): " + m
                    + "; check source.user and RECALLCTL_SOURCE_PASSWORD / source.password_file"
                    + (s.mutualTls() ? "" : " (and source.client_cert_file when the account requires a certificate)"), e);
        }
        if (e instanceof java.sql.SQLDataException || m.contains("out of range") || m.contains("outside of valid range")) {
            return new DependencyException("mysql", "MySQL at " + where + " returned a value recallctl cannot read ("
                    + what + "): " + m, e);
        }
        if (e instanceof SQLSyntaxErrorException || m.contains("doesn't exist") || m.contains("Unknown column")) {
            return new DependencyException("mysql", "MySQL at " + where + ": " + m + " (" + what
                    + "); check source.table, source.id_column, source.vector_column and source.where", e);
        }
        // the driver's "Communications link failure The last packet sent successfully to the server was 0
        // milliseconds ago..." says less than its cause; --verbose prints both
        String reason = NetworkCause.of(e);
        return new DependencyException("mysql", "MySQL unreachable at " + where + " (" + what + "): "
                + (reason != null ? reason : m) + "; is it up? check source.jdbc_url", e);
    }

    private static RecallctlException tlsFailure(RecallConfig.Source s, String what, String problem, Throwable e) {
        return new DependencyException("mysql", "MySQL at " + hostOf(s.jdbcUrl()) + ": TLS certificate problem (" + what
                + "): " + problem + "; " + TlsProblem.hint(problem, "source", s.caFile(), s.clientCertFile(), "ssl-ca",
                "source.jdbc_url"), e);
    }

    /** host:port/db of the URL, for messages: never its credentials ({@code user:pw@}, {@code ?password=}). */
    private static String hostOf(String url) {
        String u = Redactor.withoutCredentials(url).replaceFirst("^jdbc:(mysql|mariadb)://", "");
        int q = u.indexOf('?');
        return q < 0 ? u : u.substring(0, q);
    }

    private String selected(String extra) {
        if (where.isEmpty() && extra.isEmpty()) {
            return "";
        }
        if (where.isEmpty()) {
            return " WHERE " + extra;
        }
        return " WHERE " + where + (extra.isEmpty() ? "" : " AND " + extra);
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection c) throws SQLException, InterruptedException;
    }

    private <T> T withConnection(String what, SqlWork<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw failure(cfg, what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RecallctlException(130, "interrupted while reading " + cfg.table(), e);
        }
    }

    /**
     * {@code FROM table [WHERE (source.where)]}: the selected rows, for {@link #count} and for queries outside
     * this class that must see exactly the same rows (the source fingerprint, whose row count a build reuses).
     */
    public String fromSelected() {
        return " FROM " + table + selected("");
    }

    @Override
    public long count() {
        return withConnection("count rows of " + cfg.table(), c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*)" + fromSelected())) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public Optional<long[]> idBounds() {
        return withConnection("read the id range of " + cfg.table(), c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT MIN(" + id + "), MAX(" + id + ") FROM " + table + selected(int64Id))) {
                rs.next();
                long min = rs.getLong(1);
                if (rs.wasNull()) {
                    return Optional.empty();
                }
                return Optional.of(new long[] {min, rs.getLong(2)});
            }
        });
    }

    @Override
    public Map<Integer, Long> countByPartition(int partitions) {
        // MOD of a negative id is negative in SQL; normalise it the way Partitions.indexOf (floorMod) does
        String p = "MOD(MOD(" + id + ", " + partitions + ") + " + partitions + ", " + partitions + ")";
        return withConnection("count rows per partition", c -> {
            Map<Integer, Long> out = new LinkedHashMap<>();
            for (int i = 0; i < partitions; i++) {
                out.put(i, 0L);
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT " + p + " AS p, COUNT(*) FROM " + table + selected(int64Id) + " GROUP BY p")) {
                while (rs.next()) {
                    out.put(rs.getInt(1), rs.getLong(2));
                }
            }
            return out;
        });
    }

    /**
     * Whether the id column's declaration already rules out NULL and beyond-int64 ids (see {@link #idsFitInt64}),
     * from information_schema (no scan). Unknown (no such column in the metadata) means no.
     */
    public boolean schemaRulesOutUnusableIds() {
        return withConnection("read the declaration of " + cfg.table() + "." + cfg.idColumn(), c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT IS_NULLABLE, DATA_TYPE, COLUMN_TYPE FROM "
                    + "information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?")) {
                ps.setString(1, cfg.table());
                ps.setString(2, cfg.idColumn());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && idsFitInt64(rs.getString(1), rs.getString(2), rs.getString(3)) && !rs.next();
                }
            }
        });
    }

    /**
     * A column declared NOT NULL of a signed integer type (BIGINT, INT, MEDIUMINT, SMALLINT, TINYINT) or an
     * UNSIGNED one narrower than BIGINT holds only ids a Milvus int64 key can take, so no row of it (nor of any
     * subset that source.where selects) is NULL or beyond int64. Anything else (nullable, BIGINT UNSIGNED,
     * DECIMAL, text, a view column the metadata calls nullable) needs the scan.
     *
     * @param isNullable information_schema.COLUMNS.IS_NULLABLE ("YES"/"NO")
     * @param dataType   DATA_TYPE ("bigint", "int"...)
     * @param columnType COLUMN_TYPE ("bigint(20) unsigned"...)
     */
    static boolean idsFitInt64(String isNullable, String dataType, String columnType) {
        if (!"NO".equalsIgnoreCase(isNullable) || dataType == null || columnType == null) {
            return false;
        }
        String type = dataType.toLowerCase(java.util.Locale.ROOT);
        boolean unsigned = columnType.toLowerCase(java.util.Locale.ROOT).contains("unsigned");
        return switch (type) {
            case "bigint" -> !unsigned;
            case "int", "integer", "mediumint", "smallint", "tinyint" -> true;
            default -> false;
        };
    }

    @Override
    public UnusableIds unusableIds(int sample) {
        if (schemaRulesOutUnusableIds()) {
            return UnusableIds.NONE; // the declaration proves the scan below would find nothing
        }
        return withConnection("count rows whose id is NULL or beyond int64", c -> {
            long nulls;
            long outside;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT SUM(" + id + " IS NULL), "
                    + "SUM(NOT (" + int64Id + ")) FROM " + table + selected(""))) {
                rs.next();
                nulls = rs.getLong(1);
                outside = rs.getLong(2);
            }
            List<String> examples = new ArrayList<>();
            if (outside > 0 && sample > 0) {
                try (PreparedStatement ps = c.prepareStatement("SELECT CAST(" + id + " AS CHAR) FROM " + table
                        + selected("NOT (" + int64Id + ")") + " ORDER BY " + id + " LIMIT ?")) {
                    ps.setInt(1, sample);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            examples.add(rs.getString(1));
                        }
                    }
                }
            }
            return new UnusableIds(nulls, outside, List.copyOf(examples));
        });
    }

    @Override
    public void stream(KeyRange range, RowSink sink) {
        stream(range, "", sink);
    }

    @Override
    public void stream(KeyRange range, java.util.Set<Integer> partitions, int of, RowSink sink) {
        if (partitions.isEmpty()) {
            return;
        }
        StringBuilder in = new StringBuilder();
        partitions.stream().sorted().forEach(p -> in.append(in.length() == 0 ? "" : ",").append((int) p));
        // the rows of other partitions are not even sent (MOD of a negative id is negative in SQL: floorMod)
        stream(range, " AND MOD(MOD(" + id + ", " + of + ") + " + of + ", " + of + ") IN (" + in + ")", sink);
    }

    private void stream(KeyRange range, String andAlso, RowSink sink) {
        StringBuilder sql = new StringBuilder("SELECT ").append(id).append(", ").append(vector);
        scalarColumns.forEach(col -> sql.append(", ").append(col));
        sql.append(" FROM ").append(table).append(selected(id + " BETWEEN ? AND ?" + andAlso)).append(" ORDER BY ").append(id);
        withConnection("read rows " + range.from() + ".." + range.to(), c -> {
            // one snapshot per reader: its rows are the table as of its start, whatever is inserted meanwhile, so
            // the counts it reports are exactly what it read (InnoDB/MariaDB; MyISAM ignores it)
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
            }
            try (PreparedStatement ps = c.prepareStatement(sql.toString(), ResultSet.TYPE_FORWARD_ONLY,
                    ResultSet.CONCUR_READ_ONLY)) {
                // streamed row by row (forward-only, read-only, this fetch size): the server sends rows as it
                // reads them, nothing is materialised on either side; the connection runs nothing else until
                // the result is read or closed (nothing does: it is this reader's alone)
                ps.setFetchSize(STREAM_ROWS);
                ps.setLong(1, range.from());
                ps.setLong(2, range.to());
                ResultSet rs = ps.executeQuery();
                boolean done = false;
                try {
                    int scalars = scalarColumns.size();
                    while (rs.next()) {
                        Object raw = rs.getObject(2);
                        Object[] sc = new Object[scalars];
                        for (int k = 0; k < scalars; k++) {
                            sc[k] = rs.getObject(3 + k);
                        }
                        sink.accept(new SourceRow(rs.getLong(1), raw, sc));
                    }
                    done = true;
                } finally {
                    if (done) {
                        rs.close();
                    } else {
                        // closing a stream cut short first reads (and drops) the rest of the range: a stopped
                        // build would wait for that; closing the socket ends it now (the pool discards it)
                        abort(c, rs);
                    }
                }
            }
            c.commit(); // ends the snapshot (on a failure the pool rolls back and restores autocommit)
            c.setAutoCommit(true);
            return null;
        });
    }

    /** Connector/J's fetch size for "stream the rows one at a time" (with a forward-only, read-only statement). */
    static final int STREAM_ROWS = Integer.MIN_VALUE;

    private static void abort(Connection c, ResultSet rs) {
        try {
            c.abort(Runnable::run);
            rs.close();
        } catch (SQLException | RuntimeException e) {
            // the connection is gone either way (the pool discards it); the failure that stopped us is what counts
        }
    }

    @Override
    public List<Long> ids(KeyRange range) {
        return withConnection("read ids " + range.from() + ".." + range.to(), c -> {
            List<Long> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + id + " FROM " + table
                    + selected(id + " BETWEEN ? AND ?") + " ORDER BY " + id)) {
                ps.setLong(1, range.from());
                ps.setLong(2, range.to());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getLong(1));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public List<SourceRow> rows(List<Long> ids) {
        List<SourceRow> out = new ArrayList<>(ids.size());
        int scalars = scalarColumns.size();
        for (int from = 0; from < ids.size(); from += 500) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
            StringBuilder sql = new StringBuilder("SELECT ").append(id).append(", ").append(vector);
            scalarColumns.forEach(col -> sql.append(", ").append(col));
            sql.append(" FROM ").append(table).append(selected(id + " IN (" + "?,".repeat(chunk.size() - 1) + "?)"))
                    .append(" ORDER BY ").append(id);
            withConnection("read " + chunk.size() + " rows by id", c -> {
                try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                    for (int i = 0; i < chunk.size(); i++) {
                        ps.setLong(i + 1, chunk.get(i));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Object[] sc = new Object[scalars];
                            for (int k = 0; k < scalars; k++) {
                                sc[k] = rs.getObject(3 + k);
                            }
                            out.add(new SourceRow(rs.getLong(1), rs.getObject(2), sc));
                        }
                    }
                }
                return null;
            });
        }
        return out;
    }

    @Override
    public Optional<Object> rawVector(long itemId) {
        return withConnection("read item " + itemId, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + vector + " FROM " + table + " WHERE " + id + " = ?")) {
                ps.setLong(1, itemId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getObject(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<Long> sampleIds(int n, long seed) {
        // a deterministic pseudo-random order that needs no full sort of the vectors: hash of id and seed
        return withConnection("sample ids", c -> {
            List<Long> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + id + " FROM " + table + selected(int64Id)
                    + " ORDER BY CRC32(CONCAT(" + id + ", ':', ?)) LIMIT ?")) {
                ps.setLong(1, seed);
                ps.setInt(2, n);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getLong(1));
                    }
                }
            }
            return out;
        });
    }

    /** A connection from the pool for callers that need raw SQL (demo data, tests). */
    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    public String table() {
        return table;
    }

    @Override
    public void close() {
        pool.close();
        deleteAll(storeFiles);
    }
}
