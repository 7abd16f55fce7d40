package org.recallctl.bench;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.recallctl.milvus.IndexInfo;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.output.Log;

/**
 * Rebuilds the vector index of a (non-serving) collection with other parameters, and puts the original index
 * back when done: on close, on failure, and from a JVM shutdown hook on Ctrl-C. Restoring is idempotent.
 */
public final class IndexSweep implements AutoCloseable {
    private final MilvusGateway milvus;
    private final String collection;
    private final String field;
    private final String metric;
    private final IndexInfo original;
    private final long indexTimeoutMs;
    private final long loadTimeoutMs;
    private final Log log;
    private final AtomicBoolean changed = new AtomicBoolean();
    private final Thread hook;

    public IndexSweep(MilvusGateway milvus, String collection, String field, String metric, IndexInfo original,
                      long indexTimeoutMs, long loadTimeoutMs, Log log) {
        this.milvus = milvus;
        this.collection = collection;
        this.field = field;
        this.metric = metric;
        this.original = original;
        this.indexTimeoutMs = indexTimeoutMs;
        this.loadTimeoutMs = loadTimeoutMs;
        this.log = log;
        this.hook = new Thread(this::restore, "recallctl-bench-restore-index");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Replaces the index and loads the collection; returns the seconds the index build + load took. */
    public synchronized double rebuild(String type, Map<String, String> params) {
        changed.set(true);
        long t0 = System.nanoTime();
        replace(type, params);
        return (System.nanoTime() - t0) / 1e9;
    }

    private void replace(String type, Map<String, String> params) {
        log.info("index of %s: %s %s (release, drop, build, load)", collection, type, params);
        milvus.release(collection);
        milvus.dropIndex(collection, field);
        milvus.createIndex(collection, field, type, metric, params, indexTimeoutMs, i -> { });
        milvus.load(collection, loadTimeoutMs, l -> { });
    }

    /** Puts the original index back if this sweep changed it. */
    public synchronized void restore() {
        if (!changed.compareAndSet(true, false)) {
            return;
        }
        // on Ctrl-C the operation runner interrupts the main thread, whose close() lands here: an interrupted
        // thread fails every gRPC retry at once, so the restore runs with the flag cleared and sets it again
        boolean interrupted = Thread.interrupted();
        try {
            replace(original.type(), original.params());
            log.info("restored the original index of %s: %s %s", collection, original.type(), original.params());
        } catch (RuntimeException e) {
            log.warn("could not restore the index of %s to %s %s: %s; rebuild it by hand", collection,
                    original.type(), original.params(), e.getMessage());
            throw e;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        try {
            restore();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it finds nothing left to restore
            }
        }
    }
}
