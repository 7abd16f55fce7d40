package org.recallctl.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.ExitCodes;
import org.recallctl.error.RecallctlException;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.milvus.ParamValues;
import org.recallctl.output.Log;
import org.recallctl.output.Progress;
import org.recallctl.output.ProgressTask;
import org.recallctl.search.FanOutSearcher;
import org.recallctl.search.SearchRequest;
import org.recallctl.source.BadVectorException;
import org.recallctl.source.ItemSource;
import org.recallctl.source.VectorCodec;
import org.recallctl.source.Vectors;

/**
 * Loads a collection and warms it with simulated queries fanned out over every partition, so the first real
 * queries after the switch do not pay the cold-cache price. Stops when the p99 of the last window settled
 * (within warmup.settle_pct of the previous window), after warmup.max_queries, or at warmup.timeout_s.
 * Query vectors are sampled from the source (realistic), or random unit vectors when no source is at hand.
 */
public final class WarmupStep {
    private final RecallConfig cfg;
    private final MilvusGateway writer;
    private final MilvusGateway reader;
    private final ItemSource source;
    private final Log log;
    private final Progress progress;

    /**
     * @param writer the write endpoint (loads the collection)
     * @param reader the read endpoint (runs the queries, as the search service will)
     * @param source where query vectors are sampled; null = random unit vectors
     */
    public WarmupStep(RecallConfig cfg, MilvusGateway writer, MilvusGateway reader, ItemSource source, Log log,
                      Progress progress) {
        this.cfg = cfg;
        this.writer = writer;
        this.reader = reader;
        this.source = source;
        this.log = log;
        this.progress = progress;
    }

    public record Result(String collection, double loadSeconds, long queries, int windows, boolean settled,
                         String stoppedBecause, String vectors, Latency cold,
                         Latency warm, double seconds) {
    }

    public Result run(String collection) {
        writer.requireCollection(collection, "warmup");
        // the collection's own partitions, not collection.partitions: it may have been built with --partitions
        int partitions = writer.layout(collection).partitions().size();
        long t0 = System.nanoTime();
        try (ProgressTask task = progress.start("load " + collection, 100, "%")) {
            writer.load(collection, cfg.milvus().loadTimeoutS() * 1000L, info -> task.setTo(info.progress()));
        }
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        log.info("loaded %s in %.1f s; warming with up to %d queries over %d partitions", collection, loadSeconds,
                cfg.warmup().maxQueries(), partitions);

        List<float[]> vectors = new ArrayList<>();
        String origin = sampleVectors(Math.max(1, Math.min(cfg.warmup().maxQueries(), 200)), vectors);
        var w = cfg.warmup();
        WarmupWindows windows = new WarmupWindows(w.window(), w.settlePct());
        Map<String, Object> params = new LinkedHashMap<>();
        cfg.search().params().forEach((k, v) -> params.put(k, ParamValues.typed(v)));
        long deadline = System.nanoTime() + w.timeoutS() * 1_000_000_000L;
        String stopped = "max_queries";
        FanOutSearcher searcher = new FanOutSearcher(reader, cfg.collection().vectorField(),
                partitions, cfg.collection().metric(), cfg.search().timeoutMs());
        try (ProgressTask task = progress.start("warm " + collection, w.maxQueries(), "queries")) {
            for (int q = 0; q < w.maxQueries(); q++) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new RecallctlException(ExitCodes.INTERRUPTED, "interrupted while warming " + collection);
                }
                if (System.nanoTime() > deadline) {
                    stopped = "timeout";
                    break;
                }
                float[] v = vectors.get(q % vectors.size());
                long s = System.nanoTime();
                searcher.search(new SearchRequest(collection, List.of(v), cfg.search().topk(), params, null, List.of(),
                        List.of(), false), FanOutSearcher.Mode.FANOUT);
                boolean closed = windows.record((System.nanoTime() - s) / 1000);
                task.step(1);
                if (closed && windows.settled()) {
                    stopped = "settled";
                    break;
                }
            }
        }
        var cold = windows.cold();
        var warm = windows.warm();
        log.info("warmup of %s: %d queries, %s; cold p50 %.1f ms p99 %.1f ms, warm p50 %.1f ms p99 %.1f ms", collection,
                windows.queries(), stopped, cold.p50Ms(), cold.p99Ms(), warm.p50Ms(), warm.p99Ms());
        return new Result(collection, round(loadSeconds), windows.queries(), windows.completeWindows(),
                "settled".equals(stopped), stopped, origin, cold, warm, round((System.nanoTime() - t0) / 1e9));
    }

    /** Fills {@code out}; returns "source" or "random". */
    private String sampleVectors(int n, List<float[]> out) {
        if (source != null) {
            try {
                VectorCodec codec = new VectorCodec(cfg.source().encoding(), cfg.source().dimension());
                for (long id : source.sampleIds(n, 42)) {
                    Optional<Object> raw = source.rawVector(id);
                    if (raw.isEmpty()) {
                        continue;
                    }
                    try {
                        out.add(codec.decode(raw.get()));
                    } catch (BadVectorException bad) {
                        // a bad row is the build's business (it was rejected there); just don't query with it
                    }
                }
            } catch (RecallctlException e) {
                log.warn("cannot sample query vectors from the source (%s); warming with random vectors", e.getMessage());
                out.clear();
            }
        }
        if (!out.isEmpty()) {
            return "source";
        }
        Random r = new Random(42);
        for (int i = 0; i < n; i++) {
            out.add(Vectors.randomUnit(r, cfg.source().dimension()));
        }
        return "random";
    }

    private static double round(double d) {
        return Math.round(d * 100) / 100.0;
    }
}
