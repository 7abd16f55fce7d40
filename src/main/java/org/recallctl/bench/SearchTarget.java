package org.recallctl.bench;

import java.util.Map;

/** One TopK search as the load generator sees it; the real one goes through FanOutSearcher. */
@FunctionalInterface
public interface SearchTarget {
    /** Returns the ids and scores of the TopK for one query vector, best first. */
    Hits search(float[] vector, int k, Map<String, Object> params);

    record Hits(long[] ids, float[] scores) {
    }
}
