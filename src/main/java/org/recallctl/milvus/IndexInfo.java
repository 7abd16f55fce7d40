package org.recallctl.milvus;

import java.util.Map;

/** The vector index of a collection as the server reports it. {@code state} is NONE when there is no index. */
public record IndexInfo(String type, Map<String, String> params, String state, long indexedRows, long totalRows,
                        String failedReason) {
    public static final IndexInfo NONE = new IndexInfo("", Map.of(), "NONE", 0, 0, "");

    public boolean finished() {
        return "Finished".equalsIgnoreCase(state);
    }

    public boolean exists() {
        return !"NONE".equals(state);
    }
}
