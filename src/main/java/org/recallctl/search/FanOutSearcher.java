package org.recallctl.search;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.recallctl.config.Metric;
import org.recallctl.error.DependencyException;
import org.recallctl.error.RecallctlException;
import org.recallctl.milvus.Hit;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.milvus.Partitions;

/**
 * The seed's read path: one search per partition, concurrently on our own executor (the V2 client has no async
 * calls), each bounded by a deadline, then an exact merge. {@code single} mode sends one request over all
 * partitions instead, as the reference. Shared by {@code search}, the shell and {@code bench}.
 */
public final class FanOutSearcher implements AutoCloseable {
    public enum Mode { FANOUT, SINGLE }

    private final MilvusGateway gateway;
    private final String vectorField;
    private final int partitionCount;
    private final long deadlineMs;
    private final TopKMerger merger;
    private final ExecutorService pool;

    public FanOutSearcher(MilvusGateway gateway, String vectorField, int partitionCount, Metric metric,
                          long deadlineMs, int threads) {
        this.gateway = gateway;
        this.vectorField = vectorField;
        this.partitionCount = partitionCount;
        this.deadlineMs = deadlineMs;
        this.merger = new TopKMerger(metric);
        this.pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "recallctl-search");
            t.setDaemon(true);
            return t;
        });
    }

    public SearchResult search(SearchRequest req, Mode mode) {
        return mode == Mode.SINGLE ? single(req) : fanOut(req);
    }

    private List<Integer> partitionsOf(SearchRequest req) {
        if (!req.partitions().isEmpty()) {
            return req.partitions();
        }
        List<Integer> all = new ArrayList<>(partitionCount);
        for (int i = 0; i < partitionCount; i++) {
            all.add(i);
        }
        return all;
    }

    private SearchResult single(SearchRequest req) {
        long t0 = System.nanoTime();
        List<String> names = req.partitions().isEmpty() ? List.of()
                : req.partitions().stream().map(Partitions::name).toList();
        List<List<Hit>> raw = gateway.search(req.collection(), names, vectorField, req.vectors(), req.topK(),
                req.params(), req.filter(), req.outputFields());
        double callMs = (System.nanoTime() - t0) / 1e6;
        long m0 = System.nanoTime();
        List<List<ScoredHit>> out = new ArrayList<>();
        for (List<Hit> q : raw) {
            List<ScoredHit> hits = new ArrayList<>(q.size());
            for (Hit h : q) {
                hits.add(new ScoredHit(h.id(), h.score(), Partitions.indexOf(h.id(), partitionCount), h.fields()));
            }
            out.add(merger.merge(List.of(hits), req.topK())); // same ordering and tie rule as fan-out
        }
        double mergeMs = (System.nanoTime() - m0) / 1e6;
        return new SearchResult(out, Map.of(-1, callMs), mergeMs, (System.nanoTime() - t0) / 1e6, Map.of());
    }

    private SearchResult fanOut(SearchRequest req) {
        long t0 = System.nanoTime();
        List<Integer> parts = partitionsOf(req);
        if (parts.isEmpty()) {
            throw new DependencyException("milvus", "collection " + req.collection() + " has no partitions to search");
        }
        Map<Integer, Future<List<List<ScoredHit>>>> futures = new LinkedHashMap<>();
        Map<Integer, Double> millis = new LinkedHashMap<>();
        FutureTask<List<List<ScoredHit>>> own = null;
        for (int i = 0; i < parts.size(); i++) {
            int p = parts.get(i);
            FutureTask<List<List<ScoredHit>>> task = new FutureTask<>(() -> {
                long s = System.nanoTime();
                List<List<Hit>> r = gateway.search(req.collection(), List.of(Partitions.name(p)), vectorField,
                        req.vectors(), req.topK(), req.params(), req.filter(), req.outputFields());
                synchronized (millis) {
                    millis.put(p, (System.nanoTime() - s) / 1e6);
                }
                return tagged(r, p); // converted on the worker, off the caller's critical path
            });
            futures.put(p, task);
            if (i == parts.size() - 1) {
                own = task;
            } else {
                pool.execute(task);
            }
        }
        // The caller searches the last partition itself: one thread hand-off and one wake-up fewer per query,
        // which is most of the fan-out overhead on a small machine. The RPC deadline bounds this call too.
        own.run();
        long deadline = t0 + deadlineMs * 1_000_000L;
        int nq = req.vectors().size();
        List<List<List<ScoredHit>>> perQuery = new ArrayList<>(nq);
        for (int q = 0; q < nq; q++) {
            perQuery.add(new ArrayList<>(parts.size()));
        }
        Map<Integer, String> failed = new LinkedHashMap<>();
        for (var e : futures.entrySet()) {
            int p = e.getKey();
            try {
                long wait = Math.max(0, deadline - System.nanoTime());
                List<List<ScoredHit>> r = e.getValue().get(wait, TimeUnit.NANOSECONDS);
                for (int q = 0; q < r.size() && q < nq; q++) {
                    perQuery.get(q).add(r.get(q));
                }
            } catch (TimeoutException ex) {
                e.getValue().cancel(true);
                failed.put(p, "no answer within " + deadlineMs + " ms");
            } catch (ExecutionException ex) {
                Throwable c = ex.getCause();
                failed.put(p, c instanceof RecallctlException ? c.getMessage() : String.valueOf(c));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                futures.values().forEach(f -> f.cancel(true));
                throw new RecallctlException(130, "interrupted while searching", ex);
            }
        }
        if (!failed.isEmpty() && !req.allowPartial()) {
            var first = failed.entrySet().iterator().next();
            String names = String.join(", ", failed.keySet().stream().map(Partitions::name).toList());
            throw new DependencyException("milvus", "partition" + (failed.size() == 1 ? " " : "s ") + names
                    + " failed (" + failed.size() + " of " + parts.size() + "); " + Partitions.name(first.getKey())
                    + ": " + first.getValue() + " (use --allow-partial to return what came back)");
        }
        long m0 = System.nanoTime();
        List<List<ScoredHit>> merged = new ArrayList<>(nq);
        for (List<List<ScoredHit>> lists : perQuery) {
            merged.add(merger.merge(lists, req.topK()));
        }
        double mergeMs = (System.nanoTime() - m0) / 1e6;
        return new SearchResult(merged, Map.copyOf(millis), mergeMs, (System.nanoTime() - t0) / 1e6, failed);
    }

    private static List<List<ScoredHit>> tagged(List<List<Hit>> raw, int partition) {
        List<List<ScoredHit>> out = new ArrayList<>(raw.size());
        for (List<Hit> q : raw) {
            List<ScoredHit> hits = new ArrayList<>(q.size());
            for (Hit h : q) {
                hits.add(new ScoredHit(h.id(), h.score(), partition, h.fields()));
            }
            out.add(hits);
        }
        return out;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
