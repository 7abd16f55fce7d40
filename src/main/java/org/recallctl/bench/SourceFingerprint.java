package org.recallctl.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.DependencyException;
import org.recallctl.source.MysqlItemSource;
import org.recallctl.source.SqlIdentifier;

/**
 * What the ground truth was computed from, cheaply: row count plus the sum of CRC32(id ':' vector) over the
 * selected rows, computed inside MySQL (one scan, no vectors over the wire). A cache hit therefore still notices
 * any changed, added or deleted row, without streaming and decoding the table again.
 */
public record SourceFingerprint(long rows, String checksum) {

    public static SourceFingerprint of(MysqlItemSource source, RecallConfig cfg) {
        var s = cfg.source();
        String id = SqlIdentifier.quote(s.idColumn(), "source.id_column");
        String vec = SqlIdentifier.quote(s.vectorColumn(), "source.vector_column");
        // exactly the rows count() counts (a build takes its expected row count from here)
        String sql = "SELECT COUNT(*), COALESCE(SUM(CRC32(CONCAT(" + id + ", ':', " + vec + "))), 0)"
                + source.fromSelected();
        try (Connection c = source.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return new SourceFingerprint(rs.getLong(1), rs.getString(2));
        } catch (SQLException e) {
            throw new DependencyException("mysql", "cannot checksum " + s.table() + " for the ground-truth cache: "
                    + e.getMessage(), e);
        }
    }
}
