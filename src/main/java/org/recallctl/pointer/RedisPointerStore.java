package org.recallctl.pointer;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.LockHeldException;
import org.recallctl.error.LockLostException;
import org.recallctl.error.PointerMovedException;
import org.recallctl.error.RecallctlException;
import org.recallctl.output.Json;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * The serving pointer in Redis (DESIGN §4): key1 names the collection the search service uses, key2 the one
 * being built, a history list enables rollback, and a lock keeps two runs apart. Moves of key1 are
 * compare-and-set Lua scripts, so they are atomic and lose cleanly (exit 6) when someone else moved it.
 */
public final class RedisPointerStore implements AutoCloseable {
    /**
     * The fence every pointer-moving script starts with: the caller's token must still be in the lock value, in
     * the same atomic script as the compare-and-set, so a run whose lock expired or was taken over cannot move key1.
     * KEYS[lockIndex] is the lock, ARGV[tokenIndex] the needle {@code "token":"<uuid>"}.
     */
    private static String fence(int lockKey, int tokenArg) {
        return "local lockv = redis.call('GET', KEYS[" + lockKey + "])\n"
                + "if not lockv or not string.find(lockv, ARGV[" + tokenArg + "], 1, true) then return {3, lockv or ''} end\n";
    }

    /**
     * KEYS: current, history, building, lock, retired. ARGV: expected current ("" = none), target, history max
     * length, lock token needle, now (epoch ms). Returns {1, old} switched; {0, found} key1 moved; {3, lock value}
     * the caller does not hold the lock.
     */
    private static final String SWITCH = fence(4, 4) + """
            local cur = redis.call('GET', KEYS[1])
            if (cur or '') ~= ARGV[1] then return {0, cur or ''} end
            redis.call('SET', KEYS[1], ARGV[2])
            if cur and cur ~= ARGV[2] then
              redis.call('LREM', KEYS[2], 0, cur)
              redis.call('LPUSH', KEYS[2], cur)
              redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1)
              redis.call('HSET', KEYS[5], cur, ARGV[5])
            end
            redis.call('LREM', KEYS[2], 0, ARGV[2])
            redis.call('HDEL', KEYS[5], ARGV[2])
            redis.call('DEL', KEYS[3])
            return {1, cur or ''}
            """;
    /**
     * KEYS: current, history, lock, retired. ARGV: expected current, rollback target (must be the history head),
     * lock token needle, now (epoch ms). Returns {1, old}; {0, found} key1 moved; {2, head} history changed;
     * {3, lock value} the caller does not hold the lock.
     */
    private static final String ROLLBACK = fence(3, 3) + """
            local cur = redis.call('GET', KEYS[1])
            if (cur or '') ~= ARGV[1] then return {0, cur or ''} end
            local head = redis.call('LINDEX', KEYS[2], 0)
            if head ~= ARGV[2] then return {2, head or ''} end
            redis.call('LPOP', KEYS[2])
            redis.call('SET', KEYS[1], ARGV[2])
            if cur then redis.call('HSET', KEYS[4], cur, ARGV[4]) end
            redis.call('HDEL', KEYS[4], ARGV[2])
            return {1, cur or ''}
            """;
    private static final String IF_HOLDER_DEL = """
            if redis.call('GET', KEYS[1]) and string.find(redis.call('GET', KEYS[1]), ARGV[1], 1, true)
            then return redis.call('DEL', KEYS[1]) else return 0 end
            """;
    private static final String IF_HOLDER_EXTEND = """
            if redis.call('GET', KEYS[1]) and string.find(redis.call('GET', KEYS[1]), ARGV[1], 1, true)
            then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end
            """;
    private static final String IF_EQUALS_DEL = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end
            """;

    private final UnifiedJedis client;
    private final PointerKeys keys;
    private final String url;
    private final RecallConfig.Redis settings;

    private RedisPointerStore(UnifiedJedis client, PointerKeys keys, String url, RecallConfig.Redis settings) {
        this.client = client;
        this.keys = keys;
        this.url = url;
        this.settings = settings;
    }

    /** Connects in the configured topology (redis.mode) and checks the connection with a PING. */
    public static RedisPointerStore connect(RecallConfig config) {
        var r = config.redis();
        String display = RedisConnector.describe(r);
        UnifiedJedis client;
        try {
            client = RedisConnector.open(r);
        } catch (RuntimeException e) {
            throw RedisErrors.translate(e, display, "connect", r);
        }
        RedisPointerStore store = new RedisPointerStore(client, PointerKeys.of(config), display, r);
        try {
            store.ping();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /** The Redis endpoint as status and errors name it, without connecting (no credentials in it). */
    public static String endpoint(RecallConfig.Redis r) {
        return RedisConnector.describe(r);
    }

    public PointerKeys keys() {
        return keys;
    }

    public String url() {
        return url;
    }

    private <T> T call(String what, Supplier<T> op) {
        try {
            return op.get();
        } catch (RecallctlException e) {
            throw e;
        } catch (RuntimeException e) {
            throw RedisErrors.translate(e, url, what, settings);
        }
    }

    public void ping() {
        call("ping", client::ping);
    }

    public Optional<String> current() {
        return Optional.ofNullable(call("read " + keys.current(), () -> client.get(keys.current())));
    }

    public Optional<String> building() {
        return Optional.ofNullable(call("read " + keys.building(), () -> client.get(keys.building())));
    }

    public List<String> history() {
        return call("read " + keys.history(), () -> client.lrange(keys.history(), 0, -1));
    }

    public PointerState read() {
        return new PointerState(current(), building(), history(), lockHolder());
    }

    public void setBuilding(String collection) {
        call("set " + keys.building(), () -> client.set(keys.building(), collection));
    }

    /** Deletes key2 only while it still names {@code collection}, so we never clear another run's marker. */
    public void clearBuilding(String collection) {
        call("clear " + keys.building(), () -> client.eval(IF_EQUALS_DEL, List.of(keys.building()), List.of(collection)));
    }

    /**
     * Compare-and-set of key1, fenced by the run lock: moves it to {@code target} only if it still names
     * {@code expected} (empty = unset) <b>and</b> {@code lock} is still this run's, pushes the old name onto history
     * (kept to {@code historyMax}) and records when it retired, deletes key2. All in one atomic script.
     *
     * @throws PointerMovedException (exit 6) key1 moved; {@link LockLostException} (exit 5) the lock is not ours
     */
    public void switchTo(RunLock lock, Optional<String> expected, String target, int historyMax) {
        List<?> r = (List<?>) call("switch " + keys.current(), () -> client.eval(SWITCH,
                List.of(keys.current(), keys.history(), keys.building(), keys.lock(), keys.retired()),
                List.of(expected.orElse(""), target, Integer.toString(Math.max(1, historyMax)), lock.fence(),
                        Long.toString(System.currentTimeMillis()))));
        long code = ((Number) r.get(0)).longValue();
        if (code == 3) {
            throw lockLost(r.get(1), "nothing was switched");
        }
        if (code != 1) {
            throw new PointerMovedException(keys.current() + " moved under us: expected '" + expected.orElse("(unset)")
                    + "', found '" + blankAsUnset(r.get(1)) + "'; nothing was switched. Check 'recallctl status' and rerun");
        }
    }

    /** Compare-and-set of key1 back to the head of history, which is popped; fenced by the run lock like a switch. */
    public void rollbackTo(RunLock lock, Optional<String> expected, String target) {
        List<?> r = (List<?>) call("roll back " + keys.current(), () -> client.eval(ROLLBACK,
                List.of(keys.current(), keys.history(), keys.lock(), keys.retired()),
                List.of(expected.orElse(""), target, lock.fence(), Long.toString(System.currentTimeMillis()))));
        long code = ((Number) r.get(0)).longValue();
        if (code == 3) {
            throw lockLost(r.get(1), "nothing was rolled back");
        }
        if (code == 0) {
            throw new PointerMovedException(keys.current() + " moved under us: expected '" + expected.orElse("(unset)")
                    + "', found '" + blankAsUnset(r.get(1)) + "'; nothing was rolled back");
        }
        if (code == 2) {
            throw new PointerMovedException(keys.history() + " changed under us: its head is now '"
                    + blankAsUnset(r.get(1)) + "'; nothing was rolled back");
        }
    }

    private LockLostException lockLost(Object lockValue, String consequence) {
        String v = String.valueOf(lockValue);
        String now = v.isEmpty() ? "nobody holds it now (it expired)" : "now held by " + parseLock(v, -1).describe();
        return new LockLostException("this run no longer holds the lock " + keys.lock() + " (" + now + "); "
                + consequence);
    }

    /**
     * PUBLISH on a pipeline channel (standalone, Sentinel's master, or any cluster node: the cluster bus forwards
     * it to every node). Returns how many subscribers received it on the node it went to.
     */
    public long publish(String channel, String message) {
        return call("publish on " + channel, () -> client.publish(channel, message));
    }

    /** When each collection stopped serving (epoch ms), as the switch and rollback scripts recorded it. */
    public java.util.Map<String, Long> retired() {
        java.util.Map<String, String> raw = call("read " + keys.retired(), () -> client.hgetAll(keys.retired()));
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        raw.forEach((k, v) -> {
            try {
                out.put(k, Long.parseLong(v));
            } catch (NumberFormatException ignored) {
                // not ours to interpret; treated as unknown
            }
        });
        return out;
    }

    /** Forgets the retirement time of collections that no longer exist (retention dropped them). */
    public void forgetRetired(List<String> collections) {
        if (!collections.isEmpty()) {
            call("update " + keys.retired(), () -> client.hdel(keys.retired(), collections.toArray(String[]::new)));
        }
    }

    private static String blankAsUnset(Object o) {
        String s = String.valueOf(o);
        return s.isEmpty() ? "(unset)" : s;
    }

    /** Takes the pipeline's run lock or fails at once (exit 5) naming the holder. */
    public RunLock acquireLock(String command, long ttlMs, Consumer<String> onLost) {
        String token = UUID.randomUUID().toString();
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        var doc = Json.object().put("token", token).put("host", host).put("pid", ProcessHandle.current().pid())
                .put("command", command).put("started_at", Instant.now().toString());
        String value = doc.toString();
        String ok = call("take lock " + keys.lock(), () -> client.set(keys.lock(), value, SetParams.setParams().nx().px(ttlMs)));
        if (!"OK".equals(ok)) {
            String holder = lockHolder().map(LockInfo::describe).orElse("a run that just finished; retry");
            throw new LockHeldException("another run holds the lock " + keys.lock() + ": " + holder);
        }
        return new RunLock(this, new LockInfo(token, host, ProcessHandle.current().pid(), command,
                doc.get("started_at").asText(), ttlMs), ttlMs, onLost);
    }

    /** How a token appears inside the lock value; the scripts look for exactly this. */
    static String needle(String token) {
        return "\"token\":\"" + token + "\"";
    }

    /** Extends the lock only while it still carries {@code token}; false when it expired or was taken over. */
    boolean renewLock(String token, long ttlMs) {
        Object r = call("renew lock", () -> client.eval(IF_HOLDER_EXTEND, List.of(keys.lock()),
                List.of(needle(token), Long.toString(ttlMs))));
        return ((Number) r).longValue() == 1;
    }

    /** Deletes the lock only while it still carries {@code token}: a late release never frees another run's lock. */
    boolean releaseLock(String token) {
        Object r = call("release lock", () -> client.eval(IF_HOLDER_DEL, List.of(keys.lock()), List.of(needle(token))));
        return ((Number) r).longValue() == 1;
    }

    public Optional<LockInfo> lockHolder() {
        String v = call("read " + keys.lock(), () -> client.get(keys.lock()));
        if (v == null) {
            return Optional.empty();
        }
        long ttl = call("read lock ttl", () -> client.pttl(keys.lock()));
        return Optional.of(parseLock(v, ttl));
    }

    private static LockInfo parseLock(String v, long ttl) {
        try {
            JsonNode n = Json.mapper().readTree(v);
            return new LockInfo(n.path("token").asText(), n.path("host").asText("?"),
                    n.path("pid").asLong(-1), n.path("command").asText("?"), n.path("started_at").asText("?"), ttl);
        } catch (Exception e) {
            return new LockInfo("", "?", -1, "unparseable lock value", "?", ttl);
        }
    }

    /** The resumable build's checkpoints on this connection (issue 12 §4). */
    public CheckpointStore checkpoints() {
        return new CheckpointStore(client, keys.checkpoint(), this::call);
    }

    /** The run journal on this connection (issue 12 §5). */
    public RunJournalStore journal() {
        return new RunJournalStore(client, keys.runs(), this::call);
    }

    /** How the stores beside the pointer translate Redis errors (exit 4 naming the endpoint). */
    interface Caller {
        <T> T call(String what, Supplier<T> op);
    }

    /** Test and repair helper: deletes all keys of this pipeline. */
    public void deleteAll() {
        call("delete pointer keys", () -> client.del(keys.all().toArray(String[]::new)));
    }

    /** For tests and tools: writes the history list directly (newest first), outside the protocol. */
    public void forceHistory(List<String> newestFirst) {
        call("set " + keys.history(), () -> {
            client.del(keys.history());
            return newestFirst.isEmpty() ? 0L : client.rpush(keys.history(), newestFirst.toArray(String[]::new));
        });
    }

    /** For tests and tools: writes key1 directly, outside the compare-and-set protocol. */
    public void forceCurrent(String collection) {
        call("set " + keys.current(), () -> client.set(keys.current(), collection));
    }

    /**
     * How many sockets this store's pool has opened to a standalone Redis so far (empty for sentinel and cluster,
     * whose pools move between servers): a shell's warm store opens new ones only when more commands overlap.
     */
    public java.util.OptionalLong socketsOpened() {
        return client instanceof redis.clients.jedis.RedisClient standalone
                ? java.util.OptionalLong.of(standalone.getPool().getCreatedCount()) : java.util.OptionalLong.empty();
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (RuntimeException ignored) {
            // a dead connection must not mask the real error
        }
    }
}
