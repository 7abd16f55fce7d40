package org.recallctl.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.recallctl.config.Metric;

class TopKMergerTest {
    private static ScoredHit hit(long id, float score, int partition) {
        return new ScoredHit(id, score, partition, Map.of());
    }

    private static List<Long> ids(List<ScoredHit> hits) {
        return hits.stream().map(ScoredHit::id).toList();
    }

    @Test
    void innerProductRanksHigherScoresFirst() {
        var merged = new TopKMerger(Metric.IP).merge(List.of(
                List.of(hit(1, 0.9f, 0), hit(2, 0.5f, 0)),
                List.of(hit(3, 0.95f, 1), hit(4, 0.1f, 1))), 3);
        assertThat(ids(merged)).containsExactly(3L, 1L, 2L);
    }

    @Test
    void cosineRanksLikeInnerProduct() {
        var merged = new TopKMerger(Metric.COSINE).merge(List.of(List.of(hit(1, 0.2f, 0)), List.of(hit(2, 0.8f, 1))), 2);
        assertThat(ids(merged)).containsExactly(2L, 1L);
    }

    @Test
    void l2RanksSmallerDistancesFirst() {
        var merged = new TopKMerger(Metric.L2).merge(List.of(
                List.of(hit(1, 0.9f, 0), hit(2, 0.5f, 0)),
                List.of(hit(3, 0.95f, 1), hit(4, 0.1f, 1))), 3);
        assertThat(ids(merged)).containsExactly(4L, 2L, 1L);
    }

    @Test
    void equalScoresAreOrderedByIdWhateverTheArrivalOrder() {
        List<List<ScoredHit>> parts = List.of(
                List.of(hit(40, 0.5f, 0), hit(8, 0.5f, 0)),
                List.of(hit(17, 0.5f, 1), hit(3, 0.5f, 1)),
                List.of(hit(99, 0.7f, 2)));
        assertThat(ids(new TopKMerger(Metric.IP).merge(parts, 4))).containsExactly(99L, 3L, 8L, 17L);
        assertThat(ids(new TopKMerger(Metric.L2).merge(parts, 4))).containsExactly(3L, 8L, 17L, 40L);
        // the tie at the cut-off keeps the smaller id, so K results are deterministic
        assertThat(ids(new TopKMerger(Metric.IP).merge(List.of(parts.get(1), parts.get(0)), 2))).containsExactly(3L, 8L);
    }

    @Test
    void kLargerThanAllHitsReturnsEverythingSorted() {
        var merged = new TopKMerger(Metric.IP).merge(List.of(List.of(hit(1, 0.1f, 0)), List.of(hit(2, 0.3f, 1))), 100);
        assertThat(ids(merged)).containsExactly(2L, 1L);
    }

    @Test
    void emptyPartitionsContributeNothing() {
        var merger = new TopKMerger(Metric.IP);
        assertThat(merger.merge(List.of(List.of(), List.of(hit(5, 0.2f, 1)), List.of()), 3))
                .extracting(ScoredHit::partition).containsExactly(1);
        assertThat(merger.merge(List.of(List.of(), List.of()), 3)).isEmpty();
        assertThat(merger.merge(List.of(), 3)).isEmpty();
        assertThat(merger.merge(List.of(List.of(hit(1, 1f, 0))), 0)).isEmpty();
    }

    @Test
    void mergeOfPartitionTopKsEqualsTopKOfEverything() {
        Random rnd = new Random(3);
        for (Metric metric : Metric.values()) {
            TopKMerger merger = new TopKMerger(metric);
            List<ScoredHit> all = new ArrayList<>();
            List<List<ScoredHit>> perPartition = new ArrayList<>();
            for (int p = 0; p < 8; p++) {
                List<ScoredHit> part = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    // coarse scores so ties happen across partitions
                    ScoredHit h = hit(p * 1000L + i, rnd.nextInt(20) / 10f, p);
                    part.add(h);
                    all.add(h);
                }
                part.sort(merger.order());
                perPartition.add(part.subList(0, 10)); // what each partition's own TopK returns
            }
            all.sort(merger.order());
            assertThat(merger.merge(perPartition, 10)).as(metric.name()).isEqualTo(all.subList(0, 10));
        }
    }
}
