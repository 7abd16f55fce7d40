package org.recallctl.search;

import java.util.List;
import java.util.Map;

/**
 * One batch of query vectors against one collection. {@code partitions} are partition indexes (empty = all
 * of the collection's P partitions).
 */
public record SearchRequest(String collection, List<float[]> vectors, int topK, Map<String, Object> params,
                            String filter, List<String> outputFields, List<Integer> partitions,
                            boolean allowPartial) {
}
