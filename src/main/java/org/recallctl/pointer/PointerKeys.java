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

    /**
     * Issue 12 §4: the resumable build's checkpoint hash (field "meta" + one field per reader key range), beside
     * the lock under the same hash tag.
     */
    public String checkpoint() {
        return sibling("checkpoint");
    }

    /** Issue 12 §5: the run journal, a list of JSON runs, newest first, bounded. */
    public String runs() {
        return sibling("runs");
    }

    /** A key beside the lock: same prefix, same {pipeline} hash tag (so the same cluster slot). */
    private String sibling(String name) {
        return lock.substring(0, lock.length() - "lock".length()) + name;
    }

    public List<String> all() {
        return List.of(current, building, history, lock, retired, checkpoint(), runs());
    }
}
