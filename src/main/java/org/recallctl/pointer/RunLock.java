package org.recallctl.pointer;

import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.recallctl.error.LockLostException;

/**
 * A held run lock (the pipeline's fence token), renewed in the background at a third of its lifetime so a long
 * build keeps it, and left to expire if this process dies.
 *
 * <p>Renewal: a renewal that fails because Redis did not answer is retried every second until the lock's TTL,
 * counted from the last successful renewal, has run out; only then is the lock declared lost (a Redis blip must
 * not abort a two-hour build). A renewal that finds another token in the key (expired and taken over, or
 * deleted) declares it lost at once. A lost lock is reported through {@code onLost} once, and {@link #checkHeld()}
 * throws from then on; the runner calls it at every step boundary. The switch and rollback scripts check the
 * token themselves, atomically with the compare-and-set, so a run that has not noticed yet still cannot switch.
 *
 * <p>Closing releases the lock only while it still carries our token, so a late close never frees another run's.
 */
public final class RunLock implements AutoCloseable {
    static final long RETRY_MS = 1000;
    private final RedisPointerStore store;
    private final LockInfo info;
    private final long ttlMs;
    private final Consumer<String> onLost;
    private final ScheduledExecutorService renewer;
    private volatile String lost;
    private volatile long lastRenewedNanos = System.nanoTime();

    RunLock(RedisPointerStore store, LockInfo info, long ttlMs, Consumer<String> onLost) {
        this.store = store;
        this.info = info;
        this.ttlMs = ttlMs;
        this.onLost = onLost == null ? m -> { } : onLost;
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "recallctl-lock-renewer");
            t.setDaemon(true);
            return t;
        });
        renewer.schedule(this::renew, period(), TimeUnit.MILLISECONDS);
    }

    private long period() {
        return Math.max(500, ttlMs / 3);
    }

    private void renew() {
        if (lost != null) {
            return;
        }
        long delay = period();
        try {
            if (store.renewLock(info.token(), ttlMs)) {
                lastRenewedNanos = System.nanoTime();
            } else {
                markLost("the run lock " + store.keys().lock() + " was lost: "
                        + store.lockHolder().map(h -> "taken over by " + h.describe()).orElse("it expired")
                        + "; this run stops at the next step and cannot switch");
                return;
            }
        } catch (RuntimeException e) {
            long sinceOk = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastRenewedNanos);
            if (sinceOk >= ttlMs) {
                markLost("could not renew the run lock " + store.keys().lock() + " within its TTL (" + ttlMs / 1000
                        + " s): " + e.getMessage() + "; it has expired, another run may start; this run stops");
                return;
            }
            delay = Math.min(RETRY_MS, Math.max(1, ttlMs - sinceOk));
        }
        try {
            renewer.schedule(this::renew, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // released meanwhile
        }
    }

    private void markLost(String reason) {
        lost = reason;
        onLost.accept(reason);
    }

    public LockInfo info() {
        return info;
    }

    /** The needle the fenced scripts look for in the lock value. */
    public String fence() {
        return RedisPointerStore.needle(info.token());
    }

    /** Why the lock was lost, once renewal found out. */
    public Optional<String> lost() {
        return Optional.ofNullable(lost);
    }

    /** Throws (exit 5) once the lock is known to be lost. */
    public void checkHeld() {
        if (lost != null) {
            throw new LockLostException(lost);
        }
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
