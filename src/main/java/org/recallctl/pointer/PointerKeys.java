package org.recallctl.pointer;

import org.recallctl.config.RecallConfig;

/**
 * The four Redis keys of one pipeline. The {@code {pipeline}} hash tag puts them in one Redis Cluster slot, so
 * the switch script may touch them all atomically there too.
 */
public record PointerKeys(String current, String building, String history, String lock) {
    public static PointerKeys of(RecallConfig config) {
        var r = config.redis();
        String base = r.keyPrefix() + ":{" + config.pipeline() + "}:";
        return new PointerKeys(r.currentKey().isEmpty() ? base + "current" : r.currentKey(),
                r.buildingKey().isEmpty() ? base + "building" : r.buildingKey(), base + "history", base + "lock");
    }
}
