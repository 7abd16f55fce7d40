package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.recallctl.error.ConfigException;
import org.recallctl.milvus.Partitions;

class PartitionBatcherTest {
    private static ValidRow row(long id, int partitions, long bytes) {
        return new ValidRow(id, new float[0], new Object[0], Partitions.indexOf(id, partitions), bytes);
    }

    private static List<Batch> feed(PartitionBatcher b, List<ValidRow> rows) {
        List<Batch> out = new ArrayList<>();
        rows.forEach(r -> out.addAll(b.add(r)));
        out.addAll(b.drain());
        return out;
    }

    @Test
    void batchesNeverExceedTheRowBoundAndKeepEveryRowInItsPartition() {
        List<ValidRow> rows = new ArrayList<>();
        for (long id = -50; id < 1000; id++) {
            rows.add(row(id, 4, 100));
        }
        List<Batch> batches = feed(new PartitionBatcher(4, 64, 1 << 20), rows);
        assertThat(batches).allSatisfy(b -> {
            assertThat(b.rows()).hasSizeBetween(1, 64);
            assertThat(b.rows()).allMatch(r -> Partitions.indexOf(r.id(), 4) == b.partition());
            assertThat(b.bytes()).isEqualTo(b.rows().size() * 100L);
        });
        assertThat(batches.stream().mapToInt(b -> b.rows().size()).sum()).isEqualTo(rows.size());
        assertThat(batches.stream().flatMap(b -> b.rows().stream()).map(ValidRow::id).distinct().count())
                .isEqualTo(rows.size());
    }

    @Test
    void batchesNeverExceedTheByteBound() {
        List<ValidRow> rows = new ArrayList<>();
        for (long id = 0; id < 500; id++) {
            rows.add(row(id, 3, 100 + id % 7 * 150));
        }
        List<Batch> batches = feed(new PartitionBatcher(3, 1000, 2048), rows);
        assertThat(batches).allSatisfy(b -> assertThat(b.bytes()).isLessThanOrEqualTo(2048));
        assertThat(batches).hasSizeGreaterThan(500 * 100 / 2048);
        assertThat(batches.stream().mapToInt(b -> b.rows().size()).sum()).isEqualTo(500);
    }

    @Test
    void aRowOverTheByteBoundGoesAloneAndTheRowBoundOfOneHolds() {
        PartitionBatcher b = new PartitionBatcher(1, 1, 1024);
        assertThat(b.add(row(1, 1, 10))).singleElement().satisfies(x -> assertThat(x.rows()).hasSize(1));
        PartitionBatcher big = new PartitionBatcher(1, 10, 1024);
        assertThat(big.add(row(1, 1, 10))).isEmpty();
        List<Batch> out = big.add(row(2, 1, 5000)); // ships the open batch, then the big row alone
        assertThat(out).hasSize(2);
        assertThat(out.get(0).rows()).extracting(ValidRow::id).containsExactly(1L);
        assertThat(out.get(1).rows()).extracting(ValidRow::id).containsExactly(2L);
        assertThat(big.drain()).isEmpty();
    }

    @Test
    void refusesBoundsOverTheMilvusLimit() {
        assertThatThrownBy(() -> new PartitionBatcher(4, 100, 65L * 1024 * 1024)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("build.batch_bytes").hasMessageContaining("64 MiB");
        assertThatThrownBy(() -> new PartitionBatcher(4, 0, 1 << 20)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("build.batch_rows");
    }

    @Test
    void partitionRoutingIsFloorModLikeTheSourceCount() {
        assertThat(Partitions.indexOf(7, 4)).isEqualTo(3);
        assertThat(Partitions.indexOf(-1, 4)).isEqualTo(3); // SQL MOD(-1,4) = -1; the source count normalises it
        assertThat(Partitions.indexOf(Long.MIN_VALUE, 16)).isEqualTo(0);
    }

    @Test
    void theOpenBudgetShipsTheLargestBatchEarlySoMemoryDoesNotGrowWithPartitions() {
        PartitionBatcher b = new PartitionBatcher(64, 2000, 1 << 24, 10_000);
        List<Batch> out = new ArrayList<>();
        for (long id = 0; id < 64 * 50; id++) {
            out.addAll(b.add(row(id, 64, 100)));
            assertThat(b.openBytes()).isLessThanOrEqualTo(10_000);
        }
        assertThat(out).isNotEmpty().allSatisfy(x -> assertThat(x.rows()).isNotEmpty());
        out.addAll(b.drain());
        assertThat(b.openBytes()).isZero();
        assertThat(out.stream().mapToInt(x -> x.rows().size()).sum()).isEqualTo(64 * 50);
    }
}
