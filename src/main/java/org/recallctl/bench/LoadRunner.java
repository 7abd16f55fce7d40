package org.recallctl.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.recallctl.config.Metric;
import org.recallctl.error.RecallctlException;

/**
 * Closed-loop load at a fixed concurrency: N workers each send one query, wait, record, repeat, taking query
 * indexes from a shared ticket counter (cycling over the query set) until a fixed number of queries or a duration
 * is done. Warm-up queries run first, at the same concurrency, and are not recorded. Recall is computed for every
 * measured query, under load, outside the timed region.
 */
public final class LoadRunner {
    private final SearchTarget target;
    private final float[][] queries;
    private final ExactTopK.Result truth;
    private final Metric metric;

    public LoadRunner(SearchTarget target, float[][] queries, ExactTopK.Result truth, Metric metric) {
        this.target = target;
        this.queries = queries;
        this.truth = truth;
        this.metric = metric;
    }

    /** {@code measureQueries} > 0: stop after that many; else stop after {@code durationMs}. */
    public Measurement run(int k, Map<String, Object> params, int concurrency, int warmup, long measureQueries,
                           long durationMs) {
        if (measureQueries <= 0 && durationMs <= 0) {
            measureQueries = queries.length; // one pass over the query set
        }
        if (warmup > 0) {
            phase(k, params, concurrency, warmup, 0, false);
        }
        return phase(k, params, concurrency, measureQueries, durationMs, true);
    }

    private Measurement phase(int k, Map<String, Object> params, int concurrency, long count, long durationMs,
                              boolean record) {
        AtomicLong ticket = new AtomicLong();
        List<WorkerStats> stats = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        long[] deadline = new long[1];
        for (int w = 0; w < concurrency; w++) {
            WorkerStats ws = new WorkerStats();
            stats.add(ws);
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                while (!Thread.currentThread().isInterrupted()) {
                    long i = ticket.getAndIncrement();
                    if (count > 0 ? i >= count : System.nanoTime() >= deadline[0]) {
                        break;
                    }
                    int q = (int) (i % queries.length);
                    long t0 = System.nanoTime();
                    SearchTarget.Hits hits;
                    try {
                        hits = target.search(queries[q], k, params);
                    } catch (RuntimeException e) {
                        ws.error(e.getMessage());
                        continue;
                    }
                    long lat = System.nanoTime() - t0;
                    if (record) {
                        ws.record(lat, Recall.of(hits.ids(), hits.scores(), truth.ids()[q], truth.scores()[q], k, metric));
                    }
                }
            }, "recallctl-bench-" + w);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        long t0 = System.nanoTime();
        deadline[0] = t0 + durationMs * 1_000_000L;
        start.countDown();
        try {
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            threads.forEach(Thread::interrupt);
            Thread.currentThread().interrupt();
            throw new RecallctlException(130, "interrupted while benchmarking", e);
        }
        return Measurement.aggregate(stats, System.nanoTime() - t0);
    }
}
