package org.recallctl.pointer;

import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * The run journal (issue 12 §5, DESIGN §4 {@code recall:{items}:runs}): a Redis list of JSON runs, newest first,
 * trimmed to a bound in the same transaction as the push, under the pipeline's hash tag.
 */
public final class RunJournalStore {
    /** A script, not MULTI: one key, atomic on a cluster too. */
    private static final String APPEND = """
            redis.call('LPUSH', KEYS[1], ARGV[1])
            redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]))
            return 1
            """;
    private final UnifiedJedis client;
    private final String key;
    private final RedisPointerStore.Caller caller;

    RunJournalStore(UnifiedJedis client, String key, RedisPointerStore.Caller caller) {
        this.client = client;
        this.key = key;
        this.caller = caller;
    }

    public String key() {
        return key;
    }

    /** Prepends one run and keeps the newest {@code keep}. */
    public void append(String json, int keep) {
        caller.call("append to " + key, () -> client.eval(APPEND, List.of(key),
                List.of(json, Integer.toString(Math.max(1, keep) - 1))));
    }

    /** The newest {@code n} runs, newest first. */
    public List<String> latest(int n) {
        return caller.call("read " + key, () -> client.lrange(key, 0, Math.max(1, n) - 1));
    }
}
