package org.recallctl.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.recallctl.config.Metric;
import org.recallctl.error.RecallctlException;

/**
 * Closed-loop load at a fixed concurrency: N workers each send one request of {@code nq} query vectors, wait,
 * record, repeat, taking query indexes from a shared ticket counter (cycling over the query set) until a fixed
 * number of query vectors or a duration is done. Warm-up queries run first, at the same concurrency, and are not
 * recorded. Latency is per request; recall is computed for every measured query vector, under load, outside the
 * timed region; QPS counts query vectors, as benchmark suites do.
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

    /** One query vector per request. */
    public Measurement run(int k, Map<String, Object> params, int concurrency, int warmup, long measureQueries,
                           long durationMs) {
        return run(k, params, concurrency, 1, warmup, measureQueries, durationMs);
    }

    /** {@code measureQueries} > 0: stop after that many query vectors; else stop after {@code durationMs}. */
    public Measurement run(int k, Map<String, Object> params, int concurrency, int nq, int warmup,
                           long measureQueries, long durationMs) {
        if (measureQueries <= 0 && durationMs <= 0) {
            measureQueries = queries.length; // one pass over the query set
        }
        if (warmup > 0) {
            phase(k, params, concurrency, nq, warmup, 0, false);
        }
        return phase(k, params, concurrency, nq, measureQueries, durationMs, true);
    }

    private Measurement phase(int k, Map<String, Object> params, int concurrency, int nq, long count,
                              long durationMs, boolean record) {
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
                    long i = ticket.getAndAdd(nq);
                    if (count > 0 ? i >= count : System.nanoTime() >= deadline[0]) {
                        break;
                    }
                    int n = count > 0 ? (int) Math.min(nq, count - i) : nq; // the last request may be short
                    int[] qs = new int[n];
                    List<float[]> vectors = new ArrayList<>(n);
                    for (int j = 0; j < n; j++) {
                        qs[j] = (int) ((i + j) % queries.length);
                        vectors.add(queries[qs[j]]);
                    }
                    long t0 = System.nanoTime();
                    List<SearchTarget.Hits> hits;
                    try {
                        hits = target.search(vectors, k, params);
                    } catch (RuntimeException e) {
                        ws.error(e.getMessage());
                        continue;
                    }
                    long lat = System.nanoTime() - t0;
                    if (record) {
                        ws.latency(lat);
                        for (int j = 0; j < n; j++) {
                            SearchTarget.Hits h = hits.get(j);
                            int q = qs[j];
                            ws.recall(Recall.of(h.ids(), h.scores(), truth.ids()[q], truth.scores()[q], k, metric));
                        }
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
