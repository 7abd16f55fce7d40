package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.recallctl.config.Tolerance;

class SourceDriftTest {
    private static final Map<Integer, Long> READ = Map.of(0, 250L, 1, 250L, 2, 250L, 3, 250L);

    @Test
    void insertsAndDeletesInDifferentPartitionsBothCount() {
        SourceDrift d = SourceDrift.measure(1000, READ, 1003, Map.of(0, 255L, 1, 248L, 2, 250L, 3, 250L),
                Tolerance.parse("1%", "k"));
        assertThat(d.rows()).isEqualTo(7);
        assertThat(d.limit()).isEqualTo(10);
        assertThat(d.ok()).isTrue();
        assertThat(d.byPartition()).containsExactlyInAnyOrderEntriesOf(Map.of("p0", 5L, "p1", -2L));
        assertThat(d.describe()).isEqualTo("the live table drifted 7 row(s) from what the build read (read 1000, "
                + "live 1003 now; by partition p0 +5, p1 -2), within thresholds.max_source_drift=1.0% (limit 10)");
    }

    @Test
    void overTheLimitNamesTheKeyAndSaysTheCollectionIsFine() {
        SourceDrift d = SourceDrift.measure(1000, READ, 1011, Map.of(0, 261L, 1, 250L, 2, 250L, 3, 250L),
                Tolerance.parse("10", "k"));
        assertThat(d.ok()).isFalse();
        assertThat(d.problem()).contains("drifted 11 row(s)").contains("over thresholds.max_source_drift=10 (limit 10)")
                .contains("matches what the build read").contains("raise thresholds.max_source_drift");
    }

    @Test
    void rowsWithoutAUsableIdThatAppearOrVanishCountToo() {
        // read 1002 = 1000 with ids + 2 NULL ids; now 1000 with ids + 5 NULL ids
        SourceDrift d = SourceDrift.measure(1002, READ, 1005, READ, Tolerance.parse("0", "k"));
        assertThat(d.rows()).isEqualTo(3);
        assertThat(d.ok()).isFalse();
        assertThat(SourceDrift.measure(1000, READ, 1000, READ, Tolerance.parse("0", "k")).ok()).isTrue();
    }
}
