package org.recallctl.session;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.recallctl.config.RecallConfig;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.source.ItemSource;
import org.recallctl.source.MysqlItemSource;

/**
 * Where commands get their connections. A per-command instance (what {@code main} and every plain CLI run use)
 * opens on first use and closes everything when the command ends; a session instance (held by the shell) keeps
 * them open across commands, so the second search in a shell skips the JVM start and every connect. Keys are
 * built from the config values that matter for each connection, so a command run with a different endpoint
 * (e.g. {@code --set milvus.read_uri=...}) gets its own connection instead of a wrong warm one.
 */
public final class Connections implements AutoCloseable {
    private final boolean session;
    private final Map<List<Object>, AutoCloseable> open = new LinkedHashMap<>();
    private int opened;

    private Connections(boolean session) {
        this.session = session;
    }

    /** Connections that live as long as one command. */
    public static Connections perCommand() {
        return new Connections(false);
    }

    /** Connections that live until {@link #close()}: for the shell. */
    public static Connections session() {
        return new Connections(true);
    }

    public boolean isSession() {
        return session;
    }

    /** The read endpoint with {@code deadlineMs} as the per-RPC deadline. */
    public MilvusGateway milvusReads(RecallConfig cfg, int deadlineMs) {
        return get(List.of("milvus-read", milvusKey(cfg.milvus()), deadlineMs),
                () -> MilvusGateway.forReads(cfg.milvus(), deadlineMs));
    }

    public MilvusGateway milvusWrites(RecallConfig cfg) {
        return get(List.of("milvus-write", milvusKey(cfg.milvus())), () -> MilvusGateway.forWrites(cfg.milvus()));
    }

    public RedisPointerStore pointers(RecallConfig cfg) {
        var r = cfg.redis();
        // the store binds the pipeline's key names, so the pipeline is part of the key
        return get(List.of("redis", r.toString(), r.password().reveal(), r.sentinelPassword().reveal(), cfg.pipeline()),
                () -> RedisPointerStore.connect(cfg));
    }

    public ItemSource source(RecallConfig cfg) {
        var s = cfg.source();
        return get(List.of("source", s.toString(), s.password().reveal(), cfg.collection().scalarFields().toString()),
                () -> MysqlItemSource.open(cfg, 2));
    }

    /** The MySQL source with a pool of {@code poolSize} connections (a build needs one per reader plus one). */
    public MysqlItemSource mysql(RecallConfig cfg, int poolSize) {
        var s = cfg.source();
        int size = Math.max(1, poolSize);
        return get(List.of("mysql", s.toString(), s.password().reveal(), cfg.collection().scalarFields().toString(), size),
                () -> MysqlItemSource.open(cfg, size));
    }

    /** A resource kept warm under a key that captures everything it was built from. */
    private synchronized <T extends AutoCloseable> T get(List<Object> key, Supplier<T> opener) {
        @SuppressWarnings("unchecked")
        T existing = (T) open.get(key);
        if (existing != null) {
            return existing;
        }
        T created = opener.get(); // a failed connect is not cached: the next command tries again
        open.put(key, created);
        opened++;
        return created;
    }

    /** How many resources were opened over this object's life: stays flat while commands reuse warm ones. */
    public synchronized int openedCount() {
        return opened;
    }

    /** Sockets the warm Redis stores opened to standalone servers (what the server counts as connections). */
    public synchronized long redisSocketsOpened() {
        return open.values().stream().filter(c -> c instanceof RedisPointerStore)
                .mapToLong(c -> ((RedisPointerStore) c).socketsOpened().orElse(0)).sum();
    }

    public synchronized int size() {
        return open.size();
    }

    /** A command ends: per-command connections close, session ones stay warm. */
    public void endCommand() {
        if (!session) {
            close();
        }
    }

    /** Drops one resource (e.g. after it proved broken) so the next use reconnects. */
    public synchronized void evict(List<Object> key) {
        AutoCloseable c = open.remove(key);
        closeQuietly(c);
    }

    @Override
    public synchronized void close() {
        List<AutoCloseable> all = new ArrayList<>(open.values());
        open.clear();
        Collections.reverse(all); // newest first: a resource may use one opened before it
        all.forEach(Connections::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // closing must never mask the command's own result or error
        }
    }

    static String milvusKey(RecallConfig.Milvus m) {
        return m + "|" + m.token().reveal().hashCode();
    }
}
