package org.recallctl.pointer;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A held run lock, renewed in the background at a third of its lifetime so a long build keeps it, and left to
 * expire if this process dies. Closing releases it (only if we still hold it).
 */
public final class RunLock implements AutoCloseable {
    private final RedisPointerStore store;
    private final LockInfo info;
    private final ScheduledExecutorService renewer;

    RunLock(RedisPointerStore store, LockInfo info, long ttlMs, Consumer<String> onLost) {
        this.store = store;
        this.info = info;
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "recallctl-lock-renewer");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1000, ttlMs / 3);
        renewer.scheduleAtFixedRate(() -> {
            try {
                if (!store.renewLock(info.token(), ttlMs)) {
                    onLost.accept("the run lock was lost (expired or taken over); another run may be active");
                }
            } catch (RuntimeException e) {
                onLost.accept("could not renew the run lock: " + e.getMessage());
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    public LockInfo info() {
        return info;
    }

    @Override
    public void close() {
        renewer.shutdownNow();
        try {
            store.releaseLock(info.token());
        } catch (RuntimeException ignored) {
            // Redis gone: the lock expires by itself
        }
    }
}
