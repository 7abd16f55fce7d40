package org.recallctl.pointer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.recallctl.config.RecallConfig;
import org.recallctl.output.Json;

/**
 * What a search service is told the moment key1 moves (issue 12 §6), so it refreshes its cached key1 at once
 * instead of polling. Published on {@link #channel} after the compare-and-set of every switch, revert and
 * rollback. The channel sits under the pipeline's {@code {hash tag}} beside the pointer keys, so in a Redis
 * Cluster it hashes to the same slot (PUBLISH is propagated to every node, a subscriber may use any node).
 *
 * @param event  {@code switch}, {@code revert} (the serve probe failed and key1 went back) or {@code rollback}
 * @param from   what key1 named before (null = unset)
 * @param to     what key1 names now
 * @param reason why: the command that switched, or the probe failure that reverted
 * @param time   ISO-8601 instant
 */
public record PointerEvent(String pipeline, String event, String from, String to, String reason, String time) {
    public static final String SWITCH = "switch";
    public static final String REVERT = "revert";
    public static final String ROLLBACK = "rollback";

    /** {@code <redis.key_prefix>:{<pipeline>}:events}, e.g. {@code recall:{items}:events}. */
    public static String channel(RecallConfig config) {
        return config.redis().keyPrefix() + ":{" + config.pipeline() + "}:events";
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("pipeline", pipeline);
        n.put("event", event);
        n.put("from", from);
        n.put("to", to);
        n.put("reason", reason);
        n.put("time", time);
        return n;
    }
}
