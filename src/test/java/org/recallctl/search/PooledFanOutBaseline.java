package org.recallctl.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import org.recallctl.config.Metric;
import org.recallctl.milvus.Hit;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.milvus.Partitions;

/**
 * The fan-out recallctl shipped first, kept as {@link SearchBenchmark}'s baseline so the choice of
 * {@link FanOutSearcher}'s non-blocking calls stays rerunnable: one blocking call per partition on a fixed pool
 * (the last one on the caller's thread), hits converted on the workers, then the same merge.
 */
final class PooledFanOutBaseline implements AutoCloseable {
    record Timing(double totalMs, double slowestCallMs) {
    }

    private final MilvusGateway gateway;
    private final String collection;
    private final int partitions;
    private final TopKMerger merger;
    private final ExecutorService pool;

    PooledFanOutBaseline(MilvusGateway gateway, String collection, int partitions, Metric metric) {
        this.gateway = gateway;
        this.collection = collection;
        this.partitions = partitions;
        this.merger = new TopKMerger(metric);
        this.pool = Executors.newFixedThreadPool(partitions, r -> {
            Thread t = new Thread(r, "baseline-search");
            t.setDaemon(true);
            return t;
        });
    }

    Timing search(float[] q, int topK) throws Exception {
        long t0 = System.nanoTime();
        double[] callMs = new double[partitions];
        List<Future<List<ScoredHit>>> futures = new ArrayList<>();
        FutureTask<List<ScoredHit>> own = null;
        for (int p = 0; p < partitions; p++) {
            int part = p;
            FutureTask<List<ScoredHit>> task = new FutureTask<>(() -> {
                long s = System.nanoTime();
                List<Hit> hits = gateway.search(collection, List.of(Partitions.name(part)), "vector", List.of(q), topK,
                        Map.of(), null, List.of()).get(0);
                callMs[part] = (System.nanoTime() - s) / 1e6;
                return hits.stream().map(h -> new ScoredHit(h.id(), h.score(), part, h.fields())).toList();
            });
            futures.add(task);
            if (p == partitions - 1) {
                own = task;
            } else {
                pool.execute(task);
            }
        }
        own.run();
        List<List<ScoredHit>> lists = new ArrayList<>();
        for (Future<List<ScoredHit>> f : futures) {
            lists.add(f.get());
        }
        merger.merge(lists, topK);
        double slowest = 0;
        for (double ms : callMs) {
            slowest = Math.max(slowest, ms);
        }
        return new Timing((System.nanoTime() - t0) / 1e6, slowest);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
