package org.recallctl.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.recallctl.config.RecallConfig;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.TestStack;

/**
 * What the source costs the server before and while a build reads it: no id scan when the declaration rules out
 * unusable ids, and reader ranges streamed rather than copied into a server-side cursor's temporary table. Every
 * source here has one pooled connection, so its session status counts exactly what recallctl asked of the server.
 */
@Tag("integration")
class SourceScanIT {
    private static final int ROWS = 3000;
    private final TestStack stack = TestStack.get();

    /** A session status counter of the source's one pooled connection. */
    private static long status(MysqlItemSource s, String variable) throws Exception {
        try (Connection c = s.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW SESSION STATUS LIKE '" + variable + "'")) {
            assertThat(rs.next()).as(variable).isTrue();
            return rs.getLong(2);
        }
    }

    /** Rows the server read through indexes or table scans for {@code work}, less what reading the status costs. */
    private static long rowsRead(MysqlItemSource s, Runnable work) throws Exception {
        long a = handlerReads(s);
        long b = handlerReads(s); // b - a: what one round of status reads costs
        work.run();
        return handlerReads(s) - b - (b - a);
    }

    private static long handlerReads(MysqlItemSource s) throws Exception {
        long sum = 0;
        for (String h : new String[] {"Handler_read_first", "Handler_read_next", "Handler_read_rnd_next", "Handler_read_key"}) {
            sum += status(s, h);
        }
        return sum;
    }

    private static void sql(MysqlItemSource s, String... statements) throws Exception {
        try (Connection c = s.connection(); Statement st = c.createStatement()) {
            for (String statement : statements) {
                st.execute(statement);
            }
        }
    }

    @Test
    void aNotNullBigintKeySkipsTheIdScanANullableOneKeepsIt() throws Exception {
        String name = TestStack.unique("scan");
        String nullable = name + "_n";
        RecallConfig cfg = stack.config(name);
        CollectionFixture.seedSource(cfg, ROWS, 7); // item_id BIGINT NOT NULL PRIMARY KEY
        try (MysqlItemSource source = MysqlItemSource.open(cfg, 1)) {
            sql(source, "CREATE TABLE `" + nullable + "` LIKE `" + name + "`",
                    "ALTER TABLE `" + nullable + "` DROP PRIMARY KEY, MODIFY item_id BIGINT NULL, ADD KEY (item_id)",
                    "INSERT INTO `" + nullable + "` SELECT * FROM `" + name + "`");
            try {
                assertThat(source.schemaRulesOutUnusableIds()).isTrue();
                long read = rowsRead(source, () -> assertThat(source.unusableIds(5)).isEqualTo(ItemSource.UnusableIds.NONE));
                assertThat(read).as("rows the server read to find no unusable id").isLessThan(ROWS / 10);
                try (MysqlItemSource n = MysqlItemSource.open(stack.config(nullable), 1)) {
                    assertThat(n.schemaRulesOutUnusableIds()).isFalse();
                    long scanned = rowsRead(n, () -> assertThat(n.unusableIds(5)).isEqualTo(ItemSource.UnusableIds.NONE));
                    assertThat(scanned).as("rows the server read to count NULL ids").isGreaterThanOrEqualTo(ROWS);
                }
            } finally {
                sql(source, "DROP TABLE IF EXISTS `" + nullable + "`", "DROP TABLE IF EXISTS `" + name + "`");
            }
        }
    }

    @Test
    void readersStreamWithoutAServerSideTemporaryCopyAndAStreamCutShortIsDropped() throws Exception {
        String name = TestStack.unique("scan");
        RecallConfig cfg = stack.config(name);
        CollectionFixture.seedSource(cfg, ROWS, 8);
        try (MysqlItemSource source = MysqlItemSource.open(cfg, 1)) {
            try {
                AtomicLong seen = new AtomicLong();
                KeyRange all = new KeyRange(Long.MIN_VALUE, Long.MAX_VALUE);
                long noise = -status(source, "Handler_tmp_write") + status(source, "Handler_tmp_write");
                long before = status(source, "Handler_tmp_write");
                source.stream(all, row -> seen.incrementAndGet());
                long tmpWrites = status(source, "Handler_tmp_write") - before - noise;
                assertThat(seen.get()).isEqualTo(ROWS);
                // a cursor (useCursorFetch + a positive fetch size) first writes the whole range into a temporary
                // table: one write per row
                assertThat(tmpWrites).as("rows written to server temporary tables while streaming").isLessThan(ROWS / 10);

                // a sink that fails after the first row: the failure is what comes out, the rest of the range is
                // not read through (the connection is dropped, the pool opens another), and the source works on
                long id = connectionId(source);
                RuntimeException boom = new IllegalStateException("sink failed");
                assertThatThrownBy(() -> source.stream(all, row -> {
                    throw boom;
                })).isSameAs(boom);
                assertThat(connectionId(source)).isNotEqualTo(id);
                assertThat(source.count()).isEqualTo(ROWS);
            } finally {
                sql(source, "DROP TABLE IF EXISTS `" + name + "`");
            }
        }
    }

    private static long connectionId(MysqlItemSource s) throws Exception {
        try (Connection c = s.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
