package org.recallctl.milvus;

import java.util.Map;

/** One search result: item id, score (distance for L2) and the requested output fields. */
public record Hit(long id, float score, Map<String, Object> fields) {
}
