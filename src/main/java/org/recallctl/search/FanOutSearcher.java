package org.recallctl.search;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.recallctl.config.Metric;
import org.recallctl.error.DependencyException;
import org.recallctl.error.RecallctlException;
import org.recallctl.milvus.Hit;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.milvus.Partitions;

/**
 * The seed's read path: one search per partition, all in flight at once without a thread each
 * ({@link MilvusGateway#searchAsync}), each bounded by a deadline, then an exact merge. {@code single} mode sends
 * one request over all partitions instead, as the reference. Shared by {@code search}, the shell and {@code bench}.
 */
public final class FanOutSearcher {
    public enum Mode { FANOUT, SINGLE }

    private final MilvusGateway gateway;
    private final String vectorField;
    private final int partitionCount;
    private final long deadlineMs;
    private final TopKMerger merger;

    public FanOutSearcher(MilvusGateway gateway, String vectorField, int partitionCount, Metric metric,
                          long deadlineMs) {
        this.gateway = gateway;
        this.vectorField = vectorField;
        this.partitionCount = partitionCount;
        this.deadlineMs = deadlineMs;
        this.merger = new TopKMerger(metric);
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
        // Every request leaves from this thread without waiting; each answer is timed and tagged on the
        // transport thread as it lands; this thread wakes once, when the last one is in or the deadline passes.
        Map<Integer, CompletableFuture<List<List<Hit>>>> calls = new LinkedHashMap<>();
        Map<Integer, CompletableFuture<List<List<ScoredHit>>>> answers = new LinkedHashMap<>();
        Map<Integer, Double> millis = new ConcurrentHashMap<>();
        for (int p : parts) {
            long s = System.nanoTime();
            var call = gateway.searchAsync(req.collection(), List.of(Partitions.name(p)), vectorField, req.vectors(),
                    req.topK(), req.params(), req.filter(), req.outputFields(), deadlineMs);
            calls.put(p, call);
            answers.put(p, call.thenApply(r -> {
                millis.put(p, (System.nanoTime() - s) / 1e6);
                return tagged(r, p);
            }));
        }
        awaitAll(answers.values(), calls.values(), t0 + deadlineMs * 1_000_000L);
        int nq = req.vectors().size();
        List<List<List<ScoredHit>>> perQuery = new ArrayList<>(nq);
        for (int q = 0; q < nq; q++) {
            perQuery.add(new ArrayList<>(parts.size()));
        }
        Map<Integer, String> failed = new LinkedHashMap<>();
        for (var e : answers.entrySet()) {
            int p = e.getKey();
            CompletableFuture<List<List<ScoredHit>>> f = e.getValue();
            if (!f.isDone()) {
                calls.get(p).cancel(true); // the call itself, not just our stage: cancels it on the wire too
                failed.put(p, "no answer within " + deadlineMs + " ms");
            } else if (f.isCompletedExceptionally()) {
                failed.put(p, failure(f));
            } else {
                List<List<ScoredHit>> r = f.join();
                for (int q = 0; q < r.size() && q < nq; q++) {
                    perQuery.get(q).add(r.get(q));
                }
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

    /** Waits until every call has answered or failed, or the deadline passes; the caller judges each one. */
    private static void awaitAll(Collection<? extends CompletableFuture<?>> answers,
                                 Collection<? extends CompletableFuture<?>> calls, long deadlineNanos) {
        try {
            // allOf completes when the last answer does, failed if any failed
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                    .get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException someLateOrFailed) {
            // judged per partition by the caller
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            calls.forEach(c -> c.cancel(true));
            throw new RecallctlException(130, "interrupted while searching", e);
        }
    }

    private static String failure(CompletableFuture<?> f) {
        try {
            f.join();
            return "unknown failure";
        } catch (CompletionException e) {
            Throwable c = e.getCause();
            return c instanceof RecallctlException ? c.getMessage() : String.valueOf(c);
        } catch (CancellationException e) {
            return "cancelled";
        }
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

}
