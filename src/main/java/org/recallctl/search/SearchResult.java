package org.recallctl.search;

import java.util.List;
import java.util.Map;

/**
 * The merged TopK per query, plus the timings an engineer debugging a bad TopK needs: each partition's call,
 * the merge, the total; and which partitions failed when partial results were allowed.
 */
public record SearchResult(List<List<ScoredHit>> hits, Map<Integer, Double> partitionMillis, double mergeMillis,
                           double totalMillis, Map<Integer, String> failedPartitions) {
}
