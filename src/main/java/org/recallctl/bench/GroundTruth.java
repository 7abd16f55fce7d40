package org.recallctl.bench;

import java.io.IOException;
import java.nio.file.Path;
import org.recallctl.config.Metric;
import org.recallctl.config.RecallConfig;
import org.recallctl.config.Redactor;
import org.recallctl.error.RecallctlException;
import org.recallctl.output.Log;
import org.recallctl.source.MysqlItemSource;
import org.recallctl.source.VectorCodec;

/**
 * The exact TopK of a query set over the whole source table: from the cache when the data, queries, K and
 * metric are unchanged, else brute force over the streamed table (and cached).
 */
public final class GroundTruth {
    private GroundTruth() {
    }

    /** How the answer was obtained: {@code result} plus whether it came from the cache, and the cache file. */
    public record Outcome(ExactTopK.Result result, boolean cached, Path cacheFile, SourceFingerprint data,
                          long skippedRows) {
    }

    /** Items are normalised when the build normalises them (source.normalize) or the metric is COSINE. */
    public static boolean normalizes(RecallConfig cfg, Metric metric) {
        return cfg.source().normalize() || metric == Metric.COSINE;
    }

    public static String cacheKey(RecallConfig cfg, Metric metric, int k, QuerySet queries, SourceFingerprint fp) {
        var s = cfg.source();
        return String.join("|", "v1", Redactor.withoutCredentials(s.jdbcUrl()).replaceAll("\\?.*$", ""), s.table(), s.idColumn(),
                s.vectorColumn(), s.where(), s.encoding().name(), String.valueOf(normalizes(cfg, metric)),
                metric.name(), "k=" + k, "rows=" + fp.rows(), "crc=" + fp.checksum(),
                "queries=" + queries.fingerprint() + "x" + queries.size());
    }

    public static Outcome obtain(RecallConfig cfg, MysqlItemSource source, Metric metric, int k, QuerySet queries,
                                 GroundTruthCache cache, int threads, Log log) {
        SourceFingerprint fp = SourceFingerprint.of(source, cfg);
        String key = cacheKey(cfg, metric, k, queries, fp);
        Path file = cache.fileFor(key);
        var hit = cache.get(key);
        if (hit.isPresent()) {
            log.info("ground truth: cache hit %s (%d rows, checksum %s unchanged)", file, fp.rows(), fp.checksum());
            return new Outcome(hit.get(), true, file, fp, 0);
        }
        log.info("ground truth: brute force over %d source rows x %d queries, K=%d, %s, %d threads ...",
                fp.rows(), queries.size(), k, metric, threads);
        boolean normalize = normalizes(cfg, metric);
        SourceItems items = new SourceItems(source, new VectorCodec(cfg.source().encoding(), cfg.source().dimension()),
                cfg.source().dimension(), normalize, 1024);
        ExactTopK.Result r;
        try {
            r = new ExactTopK(queries.array(), metric, k, threads).run(items);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RecallctlException(130, "interrupted while computing the ground truth", e);
        }
        if (items.skipped() > 0) {
            log.warn("ground truth skipped %d source rows with bad vectors (the build skips them too)", items.skipped());
        }
        log.info("ground truth: %d rows in %.2f s = %.2f GFLOP/s (incl. reading MySQL)", r.items(), r.seconds(),
                r.gflops());
        try {
            cache.put(key, r);
        } catch (IOException e) {
            log.warn("cannot write the ground-truth cache %s: %s", file, e.getMessage());
        }
        return new Outcome(r, false, file, fp, items.skipped());
    }
}
