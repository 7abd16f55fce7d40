package org.recallctl.search;

import java.util.List;
import java.util.Map;

/**
 * What {@code recallctl search} found, in the shape of its {@code --json} output (field names are snake_case
 * and stable: scripts read them).
 *
 * @param resolvedVia        how the collection was chosen: "--collection", "key1 ...", "alias ... (Redis unreachable)"
 * @param partitions         the partitions searched (names)
 * @param missingPartitions  partitions that failed, with the reason (only with --allow-partial)
 * @param seed               the sampling seed of --random, else null
 */
public record SearchReport(String collection, String resolvedVia, String mode, String metric, int topk,
                           Map<String, Object> params, String filter, List<String> outputFields,
                           List<String> partitions, boolean partial, Map<String, String> missingPartitions,
                           Long seed, List<QueryHits> queries, Timings timingsMs) {

    /** @param contribution hits of the merged TopK per partition (all searched partitions, zeros included) */
    public record QueryHits(int query, String source, Long itemId, List<Row> hits, Map<String, Integer> contribution) {
    }

    public record Row(int rank, long itemId, float score, String partition, Map<String, Object> fields) {
    }

    /**
     * @param partitions    wall time of each partition's call ("all" in single mode)
     * @param slowestCall   the slowest partition call
     * @param overhead      total − slowest call: what fan-out and merge cost above the unavoidable wait
     */
    public record Timings(Map<String, Double> partitions, double slowestCall, double merge, double total,
                          double overhead) {
    }
}
