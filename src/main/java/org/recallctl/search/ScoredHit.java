package org.recallctl.search;

import java.util.Map;

/** A hit with the partition it came from, so the report can show how much each partition contributed. */
public record ScoredHit(long id, float score, int partition, Map<String, Object> fields) {
}
