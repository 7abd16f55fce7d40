package org.recallctl.source;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.CheckRefusedException;
import org.recallctl.error.RecallctlException;

/**
 * Fills the source table with reproducible demo items: vectors drawn around random cluster centres (so an IVF
 * index has structure to find), L2-normalised, plus a category and a brand column. Same seed, same data.
 */
public final class DemoSeeder {
    private static final int BATCH = 1000;
    private final MysqlItemSource source;
    private final RecallConfig config;

    public DemoSeeder(MysqlItemSource source, RecallConfig config) {
        this.source = source;
        this.config = config;
    }

    /** The comment that marks a table as demo seed's own: only such a table may be replaced or appended to. */
    public static final String MARK = "recallctl demo seed";

    /** CREATE: only a new table (the default). REPLACE / APPEND: only a table that demo seed created. */
    public enum Mode { CREATE, REPLACE, APPEND }

    public record Plan(long items, int dimension, long seed, int clusters, int categories, int brands, Mode mode) {
        /** {@code replace} true = REPLACE, false = APPEND (both only on demo seed's own tables). */
        public Plan(long items, int dimension, long seed, int clusters, int categories, int brands, boolean replace) {
            this(items, dimension, seed, clusters, categories, brands, replace ? Mode.REPLACE : Mode.APPEND);
        }
    }

    /**
     * Creates the table and inserts the items; returns rows written. Never destroys data it did not make: an
     * existing table is refused (exit 3) unless {@code mode} is REPLACE or APPEND and the table carries
     * {@link #MARK} as its comment, which only demo seed writes. With a production RECALLCTL_CONFIG exported
     * this refuses instead of wiping the catalogue.
     */
    public long seed(Plan plan, LongConsumer progress) {
        var s = config.source();
        VectorCodec codec = new VectorCodec(s.encoding(), plan.dimension());
        String table = SqlIdentifier.quote(s.table(), "source.table");
        String id = SqlIdentifier.quote(s.idColumn(), "source.id_column");
        String vec = SqlIdentifier.quote(s.vectorColumn(), "source.vector_column");
        String vecType = codec.binary() ? "MEDIUMBLOB" : "MEDIUMTEXT";
        try (Connection c = source.connection()) {
            Optional<String> comment = tableComment(c, s.table());
            if (comment.isPresent()) {
                refuseUnlessOurs(s.table(), comment.get(), plan.mode());
            }
            try (Statement st = c.createStatement()) {
                if (plan.mode() == Mode.REPLACE) {
                    st.execute("DROP TABLE IF EXISTS " + table);
                }
                st.execute("CREATE TABLE IF NOT EXISTS " + table + " (" + id + " BIGINT NOT NULL PRIMARY KEY, "
                        + vec + " " + vecType + " NULL, `category` INT NOT NULL, `brand` VARCHAR(64) NOT NULL, "
                        + "`updated_at` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP) ENGINE=InnoDB COMMENT='"
                        + MARK + "'");
            }
            SplittableRandom rnd = new SplittableRandom(plan.seed());
            float[][] centres = new float[plan.clusters()][];
            for (int k = 0; k < centres.length; k++) {
                centres[k] = gaussian(rnd, plan.dimension(), 1.0f);
                Vectors.normalize(centres[k]);
            }
            c.setAutoCommit(false);
            long written = 0;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + id + ", " + vec
                    + ", `category`, `brand`) VALUES (?, ?, ?, ?)")) {
                for (long item = 1; item <= plan.items(); item++) {
                    int cluster = rnd.nextInt(plan.clusters());
                    float[] v = gaussian(rnd, plan.dimension(), 0.35f);
                    float[] centre = centres[cluster];
                    for (int d = 0; d < v.length; d++) {
                        v[d] += centre[d];
                    }
                    Vectors.normalize(v);
                    ps.setLong(1, item);
                    Object encoded = codec.encode(v);
                    if (encoded instanceof byte[] b) {
                        ps.setBytes(2, b);
                    } else {
                        ps.setString(2, (String) encoded);
                    }
                    ps.setInt(3, cluster % plan.categories());
                    ps.setString(4, "brand-" + rnd.nextInt(plan.brands()));
                    ps.addBatch();
                    if (item % BATCH == 0 || item == plan.items()) {
                        ps.executeBatch();
                        c.commit();
                        written = item;
                        progress.accept(written);
                    }
                }
            }
            return written;
        } catch (SQLException e) {
            throw MysqlItemSource.failure(s, "seed demo data", e);
        } catch (BadVectorException e) {
            throw new RecallctlException(1, "demo generator produced a bad vector: " + e.getMessage());
        }
    }

    /** The table's comment, or empty when the table does not exist. */
    static Optional<String> tableComment(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_COMMENT FROM information_schema.TABLES "
                + "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1) == null ? "" : rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static void refuseUnlessOurs(String table, String comment, Mode mode) {
        if (mode == Mode.CREATE) {
            throw new CheckRefusedException("demo seed: table '" + table + "' already exists; demo seed only creates "
                    + "tables. Pass --replace (or --append) if demo seed made it, or set source.table to a new name");
        }
        if (!MARK.equals(comment)) {
            throw new CheckRefusedException("demo seed: refusing to " + (mode == Mode.REPLACE ? "replace" : "append to")
                    + " table '" + table + "': demo seed did not create it (its comment is "
                    + (comment.isEmpty() ? "empty" : "'" + comment + "'") + ", not '" + MARK + "'); it may be real "
                    + "data. Set source.table (or RECALLCTL_CONFIG) to a demo table");
        }
    }

    private static float[] gaussian(SplittableRandom rnd, int dim, float scale) {
        float[] v = new float[dim];
        for (int d = 0; d < dim; d += 2) {
            // Box-Muller: two normals per pair of uniforms
            double u1 = 1.0 - rnd.nextDouble();
            double u2 = rnd.nextDouble();
            double r = Math.sqrt(-2.0 * Math.log(u1)) * scale / Math.sqrt(dim);
            v[d] = (float) (r * Math.cos(2 * Math.PI * u2));
            if (d + 1 < dim) {
                v[d + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
            }
        }
        return v;
    }
}
