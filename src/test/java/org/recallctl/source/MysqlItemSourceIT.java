package org.recallctl.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.DependencyException;
import org.recallctl.milvus.Partitions;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.ServerProcess;
import org.recallctl.testing.TestStack;

@Tag("integration")
class MysqlItemSourceIT {
    private final TestStack stack = TestStack.get();

    @Test
    void countsSplitsAndStreamsEveryRowExactlyOnce() throws Exception {
        String name = TestStack.unique("src");
        RecallConfig cfg = stack.config(name);
        CollectionFixture.seedSource(cfg, 1234, 1);
        try (MysqlItemSource source = MysqlItemSource.open(cfg, 3)) {
            assertThat(source.count()).isEqualTo(1234);
            long[] bounds = source.idBounds().orElseThrow();
            assertThat(bounds).containsExactly(1, 1234);
            Map<Integer, Long> perPartition = source.countByPartition(4);
            assertThat(perPartition.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1234);
            assertThat(perPartition.get(1)).isEqualTo(309); // ids 1,5,...,1233

            List<Long> seen = new ArrayList<>();
            VectorCodec codec = new VectorCodec(cfg.source().encoding(), 128);
            for (KeyRange r : KeyRange.split(bounds[0], bounds[1], 3)) {
                source.stream(r, row -> {
                    seen.add(row.id());
                    try {
                        float[] v = codec.decode(row.rawVector());
                        double norm = 0;
                        for (float x : v) {
                            norm += x * x;
                        }
                        assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
                    } catch (BadVectorException e) {
                        throw new AssertionError(e.getMessage());
                    }
                    assertThat(row.scalars()).hasSize(2); // category, brand
                });
            }
            assertThat(seen).hasSize(1234);
            assertThat(new HashSet<>(seen)).hasSize(1234);
            assertThat(source.rawVector(17)).isPresent();
            assertThat(source.rawVector(999_999)).isEmpty();
            assertThat(source.sampleIds(10, 3)).hasSize(10).isEqualTo(source.sampleIds(10, 3));
            assertThat(source.sampleIds(10, 3)).isNotEqualTo(source.sampleIds(10, 4));
        }
    }

    @Test
    void whereConditionSelectsRowsAndNegativeIdsLandInFloorModPartitions() throws Exception {
        String name = TestStack.unique("src");
        RecallConfig seedCfg = stack.config(name);
        CollectionFixture.seedSource(seedCfg, 100, 2);
        try (MysqlItemSource s = MysqlItemSource.open(seedCfg, 1); Connection c = s.connection();
             Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE `" + name + "` SET item_id = -item_id WHERE item_id <= 10");
        }
        RecallConfig cfg = stack.load(name, Map.of("source.where", "category < 4")).config();
        try (MysqlItemSource source = MysqlItemSource.open(cfg, 1)) {
            long selected = source.count();
            assertThat(selected).isBetween(1L, 99L);
            Map<Integer, Long> parts = source.countByPartition(4);
            assertThat(parts.keySet()).containsExactly(0, 1, 2, 3);
            assertThat(parts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(selected);
            Set<Integer> seenPartitions = new HashSet<>();
            List<Long> ids = new ArrayList<>();
            source.stream(new KeyRange(Long.MIN_VALUE, Long.MAX_VALUE), row -> {
                ids.add(row.id());
                seenPartitions.add(Partitions.indexOf(row.id(), 4));
            });
            assertThat(ids).hasSize((int) selected);
            for (int p = 0; p < 4; p++) {
                final int part = p;
                assertThat(ids.stream().filter(id -> Partitions.indexOf(id, 4) == part).count()).isEqualTo(parts.get(p));
            }
        }
    }

    @Test
    void missingTableIsAClearErrorNamingIt() {
        RecallConfig cfg = stack.config(TestStack.unique("missing"));
        try (MysqlItemSource source = MysqlItemSource.open(cfg, 1)) {
            assertThatThrownBy(source::count).isInstanceOf(DependencyException.class)
                    .hasMessageContaining(cfg.source().table()).hasMessageContaining("doesn't exist")
                    .hasMessageContaining("check source.table");
        }
    }

    @Test
    void unreachableServerAndWrongPasswordAreClearAndNeverShowThePassword() {
        RecallConfig down = stack.load("x", Map.of("source.jdbc_url", "jdbc:mysql://127.0.0.1:" + ServerProcess.freePort()
                + "/recall", "source.connect_timeout_ms", "1000")).config();
        assertThatThrownBy(() -> MysqlItemSource.open(down, 1)).isInstanceOf(DependencyException.class)
                .hasMessageStartingWith("MySQL unreachable at 127.0.0.1:");

        // the server never echoes a password, but our message names the URL: plant it there (issue 10 §9)
        RecallConfig downWithCredentials = stack.load("x", Map.of("source.jdbc_url", "jdbc:mysql://recallctl:d0wn-Pa55@127.0.0.1:"
                + ServerProcess.freePort() + "/recall?password=qu3ry-Pa55", "source.connect_timeout_ms", "1000")).config();
        assertThatThrownBy(() -> MysqlItemSource.open(downWithCredentials, 1)).isInstanceOf(DependencyException.class)
                .hasMessageStartingWith("MySQL unreachable at recallctl@127.0.0.1:")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("d0wn-Pa55").doesNotContain("qu3ry-Pa55"));

        RecallConfig wrong = stack.load("x", Map.of("source.password_file", "", "source.jdbc_url",
                "jdbc:mysql://recallctl:wr0ng-Pa55@127.0.0.1:" + stack.mysqlPort() + "/" + stack.get("MYSQL_DATABASE"))).config();
        assertThatThrownBy(() -> MysqlItemSource.open(wrong, 1)).isInstanceOf(DependencyException.class)
                .hasMessageContaining("refused the login").hasMessageContaining("recallctl@127.0.0.1:" + stack.mysqlPort())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wr0ng-Pa55"));
    }
}
