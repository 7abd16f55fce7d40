package org.recallctl.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.recallctl.config.Metric;

/**
 * Exact merge of per-partition TopK lists (DESIGN §8): IP and COSINE higher is better, L2 lower is better,
 * equal scores ordered by item id so the result is deterministic. A bounded heap keeps it O(n log K).
 */
public final class TopKMerger {
    private final Comparator<ScoredHit> best;

    public TopKMerger(Metric metric) {
        Comparator<ScoredHit> byScore = Comparator.comparingDouble(ScoredHit::score);
        this.best = (metric.higherIsBetter() ? byScore.reversed() : byScore).thenComparingLong(ScoredHit::id);
    }

    /** Orders two hits: negative when {@code a} ranks before {@code b}. */
    public Comparator<ScoredHit> order() {
        return best;
    }

    public List<ScoredHit> merge(List<List<ScoredHit>> perPartition, int k) {
        if (k <= 0) {
            return List.of();
        }
        // worst-on-top heap of the K best seen so far
        PriorityQueue<ScoredHit> heap = new PriorityQueue<>(k + 1, best.reversed());
        for (List<ScoredHit> hits : perPartition) {
            for (ScoredHit h : hits) {
                if (heap.size() < k) {
                    heap.add(h);
                } else if (best.compare(h, heap.peek()) < 0) {
                    heap.poll();
                    heap.add(h);
                }
            }
        }
        List<ScoredHit> out = new ArrayList<>(heap);
        out.sort(best);
        return out;
    }
}
