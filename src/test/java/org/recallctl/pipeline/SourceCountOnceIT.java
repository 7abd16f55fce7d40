package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.recallctl.config.RecallConfig;
import org.recallctl.pointer.CheckpointStore;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.source.MysqlItemSource;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.TestStack;

/**
 * A build with checkpoints counts the selected rows once: the checkpoint's source state (row count and checksum
 * in one scan) gives the build its expected row count, with the same source.where as {@code count()}.
 */
@Tag("integration")
class SourceCountOnceIT {
    private final TestStack stack = TestStack.get();

    @Test
    void theCheckpointsRowCountIsTheBuildsExpectedRowsWithoutASecondCount() throws Exception {
        String name = TestStack.unique("once");
        CollectionFixture.seedSource(stack.config(name), 500, 4);
        RecallConfig cfg = stack.load(name, Map.of("source.where", "category < 4")).config();
        try (MysqlItemSource source = MysqlItemSource.open(cfg, 1); RedisPointerStore p = RedisPointerStore.connect(cfg)) {
            CheckpointStore store = p.checkpoints();
            try {
                long selected = source.count();
                assertThat(selected).isBetween(1L, 499L); // the where selects a part
                BuildCheckpoint cp = BuildCheckpoint.start(store, cfg, source, name + "_v1", w -> { });
                assertThat(BuildCheckpoint.selectedRows(cp, source)).isEqualTo(selected);
                // a row added after the checkpoint counted: a second COUNT(*) would see it, the build does not ask
                try (Connection c = source.connection(); Statement st = c.createStatement()) {
                    st.executeUpdate("INSERT INTO `" + name + "` (item_id, vector, category, brand) SELECT 100000, vector, 0, brand"
                            + " FROM `" + name + "` ORDER BY item_id LIMIT 1");
                }
                assertThat(BuildCheckpoint.selectedRows(cp, source)).isEqualTo(selected);
                assertThat(BuildCheckpoint.selectedRows(null, source)).isEqualTo(selected + 1); // no checkpoint: counted now
            } finally {
                store.clear();
                try (Connection c = source.connection(); Statement st = c.createStatement()) {
                    st.execute("DROP TABLE IF EXISTS `" + name + "`");
                }
            }
        }
    }
}
