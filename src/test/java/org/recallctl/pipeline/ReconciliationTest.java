package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconciliationTest {
    private static final Map<Integer, Long> SOURCE = Map.of(0, 250L, 1, 250L, 2, 250L, 3, 250L);

    @Test
    void exactMatchWithRejectedRows() {
        var r = Reconciliation.reconcile("c", 4, 1000, 3, 997, SOURCE, Map.of(1, 2L, 3, 1L),
                Map.of(0, 250L, 1, 248L, 2, 250L, 3, 249L));
        assertThat(r.ok()).isTrue();
        assertThat(r.partitions()).extracting(Reconciliation.PartitionRow::expected).containsExactly(250L, 248L, 250L, 249L);
    }

    @Test
    void lostBatchHiddenByDuplicateIsCaughtPerPartition() {
        // total is right (1000) but p1 lost 100 rows and p2 got a batch twice
        var r = Reconciliation.reconcile("c", 4, 1000, 0, 1000, SOURCE, Map.of(),
                Map.of(0, 250L, 1, 150L, 2, 350L, 3, 250L));
        assertThat(r.ok()).isFalse();
        assertThat(r.mismatches()).hasSize(2).anySatisfy(m -> assertThat(m).contains("p1").contains("150").contains("250"))
                .anySatisfy(m -> assertThat(m).contains("p2").contains("350"));
    }

    @Test
    void totalOffByOneIsCaught() {
        var r = Reconciliation.reconcile("c", 4, 1000, 0, 1001, SOURCE, Map.of(),
                Map.of(0, 251L, 1, 250L, 2, 250L, 3, 250L));
        assertThat(r.mismatches()).anySatisfy(m -> assertThat(m).contains("1001").contains("1 too many"))
                .anySatisfy(m -> assertThat(m).contains("p0"));
    }

    @Test
    void rowsWithoutAUsableIdCountInTheTotalsButInNoPartition() {
        // 1003 read: 1000 with ids (SOURCE), 3 with a NULL id, all 3 rejected and in no partition
        var r = Reconciliation.reconcile("c", 4, 1003, 3, 1000, SOURCE, Map.of(),
                Map.of(0, 250L, 1, 250L, 2, 250L, 3, 250L));
        assertThat(r.mismatches()).isEmpty();
        assertThat(r.expected()).isEqualTo(1000);
    }

    @Test
    void unknownPerPartitionRejectsAllowsFewerButNeverMore() {
        var ok = Reconciliation.reconcile("c", 4, 1000, 2, 998, SOURCE, null,
                Map.of(0, 250L, 1, 249L, 2, 249L, 3, 250L));
        assertThat(ok.ok()).isTrue();
        var dup = Reconciliation.reconcile("c", 4, 1000, 2, 998, SOURCE, null,
                Map.of(0, 251L, 1, 248L, 2, 249L, 3, 250L));
        assertThat(dup.ok()).isFalse();
    }
}
