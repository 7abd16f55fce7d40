package org.recallctl.pointer;

import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The one retry loop of the failover-aware Sentinel and Cluster clients: repeats an attempt that failed in a way
 * a failover explains, with a doubling pause (50 ms to 1 s), until {@code redis.failover_wait_ms} has passed;
 * then the last failure goes to the caller.
 */
final class FailoverWait {
    private static final long FIRST_PAUSE_MS = 50;
    private static final long MAX_PAUSE_MS = 1_000;

    private FailoverWait() {
    }

    /** {@code between} runs before each retry (e.g. refresh the cluster's slot map). */
    static <T> T retry(long waitMs, Supplier<T> attempt, Predicate<RuntimeException> retryable, Runnable between) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        long pause = FIRST_PAUSE_MS;
        while (true) {
            try {
                return attempt.get();
            } catch (RuntimeException e) {
                if (!retryable.test(e) || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause) > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JedisConnectionException("interrupted while waiting for a Redis failover", e);
            }
            pause = Math.min(MAX_PAUSE_MS, pause * 2);
            between.run();
        }
    }
}
