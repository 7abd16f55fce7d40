package org.recallctl.bench;

import java.util.List;
import java.util.Map;

/** One search request as the load generator sees it; the real one goes through FanOutSearcher. */
@FunctionalInterface
public interface SearchTarget {
    /** Returns, per query vector of the request (nq of them), the ids and scores of its TopK, best first. */
    List<Hits> search(List<float[]> vectors, int k, Map<String, Object> params);

    record Hits(long[] ids, float[] scores) {
    }
}
