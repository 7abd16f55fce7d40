package org.recallctl.source;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
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
import org.recallctl.tls.PemTrust;
import org.recallctl.tls.TlsProblem;

/**
 * The item table in MySQL/MariaDB over Connector/J with a small HikariCP pool (one connection per parallel
 * reader). Reads stream with a server-side cursor so memory stays bounded whatever the table size.
 */
public final class MysqlItemSource implements ItemSource {
    private final HikariDataSource pool;
    private final RecallConfig.Source cfg;
    private final String table;
    private final String id;
    private final String vector;
    private final List<String> scalarColumns;
    private final String where;
    /** Ids a Milvus int64 primary key can hold; NULL is not BETWEEN anything, so it is excluded too. */
    private final String int64Id;

    private MysqlItemSource(HikariDataSource pool, RecallConfig config) {
        this.pool = pool;
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
        hc.addDataSourceProperty("useCursorFetch", "true");
        hc.addDataSourceProperty("rewriteBatchedStatements", "true");
        hc.addDataSourceProperty("tcpKeepAlive", "true");
        verifiedTls(s, hc);
        try {
            return new MysqlItemSource(new HikariDataSource(hc), config);
        } catch (HikariPool.PoolInitializationException | IllegalArgumentException e) {
            throw failure(s.jdbcUrl(), "connect", e);
        }
    }

    /**
     * source.ca_file: Connector/J takes a trust store, not a PEM file, so the CA goes into a private temporary
     * PKCS12 store; sslMode defaults to VERIFY_IDENTITY (the CA signed it and it is for this host name).
     */
    private static void verifiedTls(RecallConfig.Source s, HikariConfig hc) {
        if (s.caFile().isEmpty()) {
            return;
        }
        PemTrust trust = PemTrust.load(s.caFile(), "source.ca_file");
        hc.addDataSourceProperty("trustCertificateKeyStoreUrl", trust.writeStore().toUri().toString());
        hc.addDataSourceProperty("trustCertificateKeyStoreType", "PKCS12");
        hc.addDataSourceProperty("trustCertificateKeyStorePassword", PemTrust.storePassword());
        hc.addDataSourceProperty("fallbackToSystemTrustStore", "false");
        if (!s.jdbcUrl().matches("(?i).*[?&]sslMode=.*")) {
            hc.addDataSourceProperty("sslMode", "VERIFY_IDENTITY");
        }
    }

    static RecallctlException failure(String url, String what, Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = (e.getMessage() == null ? "" : e.getMessage());
        if (root != e && root.getMessage() != null && !m.contains(root.getMessage())) {
            m += ": " + root.getMessage();
        }
        m = m.replaceAll("\\s+", " ").trim();
        String where = hostOf(url);
        Optional<String> tls = TlsProblem.of(e);
        if (tls.isPresent()) {
            return new DependencyException("mysql", "MySQL at " + where + ": TLS certificate problem (" + what + "): "
                    + tls.get() + "; check source.ca_file and that source.jdbc_url uses a host name the certificate names", e);
        }
        if (m.contains("Access denied")) {
            return new DependencyException("mysql", "MySQL at " + where + " refused the login (" + what + "): " + m
                    + "; check source.user and RECALLCTL_SOURCE_PASSWORD / source.password_file", e);
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
            throw failure(cfg.jdbcUrl(), what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RecallctlException(130, "interrupted while reading " + cfg.table(), e);
        }
    }

    @Override
    public long count() {
        return withConnection("count rows of " + cfg.table(), c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT COUNT(*) FROM " + table + selected(""))) {
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

    @Override
    public UnusableIds unusableIds(int sample) {
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
        StringBuilder sql = new StringBuilder("SELECT ").append(id).append(", ").append(vector);
        scalarColumns.forEach(col -> sql.append(", ").append(col));
        sql.append(" FROM ").append(table).append(selected(id + " BETWEEN ? AND ?")).append(" ORDER BY ").append(id);
        withConnection("read rows " + range.from() + ".." + range.to(), c -> {
            // one snapshot per reader: its rows are the table as of its start, whatever is inserted meanwhile, so
            // the counts it reports are exactly what it read (InnoDB/MariaDB; MyISAM ignores it)
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
            }
            try (PreparedStatement ps = c.prepareStatement(sql.toString(), ResultSet.TYPE_FORWARD_ONLY,
                    ResultSet.CONCUR_READ_ONLY)) {
                ps.setFetchSize(cfg.fetchSize());
                ps.setLong(1, range.from());
                ps.setLong(2, range.to());
                try (ResultSet rs = ps.executeQuery()) {
                    int scalars = scalarColumns.size();
                    while (rs.next()) {
                        Object raw = rs.getObject(2);
                        Object[] sc = new Object[scalars];
                        for (int k = 0; k < scalars; k++) {
                            sc[k] = rs.getObject(3 + k);
                        }
                        sink.accept(new SourceRow(rs.getLong(1), raw, sc));
                    }
                }
            }
            c.commit(); // ends the snapshot (on a failure the pool rolls back and restores autocommit)
            c.setAutoCommit(true);
            return null;
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
    }
}
