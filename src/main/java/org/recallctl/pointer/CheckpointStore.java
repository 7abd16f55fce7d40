package org.recallctl.pointer;

import java.util.Map;
import redis.clients.jedis.UnifiedJedis;

/**
 * The resumable build's checkpoint (issue 12 §4, DESIGN §4 {@code recall:{items}:checkpoint}): one Redis hash
 * under the pipeline's hash tag, so it lives in the pointer keys' slot in standalone, Sentinel and Cluster alike.
 * Field {@code meta} describes the build (target, fingerprints, key ranges); field {@code range:<i>} holds what
 * reader range i has confirmed. The values are JSON written by {@code pipeline.BuildCheckpoint}; this class only
 * moves strings, so the pointer package knows nothing of builds.
 */
public final class CheckpointStore {
    private static final String REPLACE = """
            redis.call('DEL', KEYS[1])
            for i = 1, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
            return 1
            """;
    private final UnifiedJedis client;
    private final String key;
    private final RedisPointerStore.Caller caller;

    CheckpointStore(UnifiedJedis client, String key, RedisPointerStore.Caller caller) {
        this.client = client;
        this.key = key;
        this.caller = caller;
    }

    public String key() {
        return key;
    }

    /** All fields (empty when there is no checkpoint). */
    public Map<String, String> read() {
        return caller.call("read " + key, () -> client.hgetAll(key));
    }

    public void put(String field, String json) {
        caller.call("write " + key, () -> client.hset(key, field, json));
    }

    /** Starts over: the old checkpoint (if any) is replaced by {@code fields} in one atomic step. */
    public void replace(Map<String, String> fields) {
        // a script, not MULTI: one key, so it runs atomically on a cluster too (routed by that key)
        java.util.List<String> args = new java.util.ArrayList<>();
        fields.forEach((f, v) -> {
            args.add(f);
            args.add(v);
        });
        caller.call("write " + key, () -> client.eval(REPLACE, java.util.List.of(key), args));
    }

    public void clear() {
        caller.call("clear " + key, () -> client.del(key));
    }
}
