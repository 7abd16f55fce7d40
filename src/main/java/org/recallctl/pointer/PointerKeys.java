package org.recallctl.pointer;

import java.util.List;
import org.recallctl.config.RecallConfig;

/**
 * The Redis keys of one pipeline. The {@code {pipeline}} hash tag puts them in one Redis Cluster slot, so the
 * switch script may touch them all atomically there too. {@code retired} is a hash: collection name -> epoch
 * millis when it stopped serving (written by the switch and rollback scripts; retention's grace period reads it).
 */
public record PointerKeys(String current, String building, String history, String lock, String retired) {
    public static PointerKeys of(RecallConfig config) {
        var r = config.redis();
        String base = r.keyPrefix() + ":{" + config.pipeline() + "}:";
        return new PointerKeys(r.currentKey().isEmpty() ? base + "current" : r.currentKey(),
                r.buildingKey().isEmpty() ? base + "building" : r.buildingKey(), base + "history", base + "lock",
                base + "retired");
    }

    public List<String> all() {
        return List.of(current, building, history, lock, retired);
    }
}
