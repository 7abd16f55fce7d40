package org.recallctl.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.recallctl.config.Tolerance;
import org.recallctl.milvus.Partitions;

/**
 * How far the live table moved away from what a build read: a live catalogue keeps changing while a build
 * streams, and that is not a failure as long as it stays within {@code thresholds.max_source_drift}. The built
 * collection itself is reconciled exactly against what was read ({@link Reconciliation}); this measures only the
 * distance to the table as it is now.
 *
 * <p>Drift = the sum over partitions of |live − read| plus the change in rows without a usable id, a lower bound
 * of the rows inserted or deleted since the read (an insert and a delete in one partition cancel out).
 *
 * @param readRows    rows the build read (all of them, unusable ids included)
 * @param liveRows    rows the table selects now
 * @param rows        the drift in rows
 * @param byPartition live − read per partition (signed), non-zero ones only
 * @param limit       the largest drift thresholds.max_source_drift allows for readRows
 */
public record SourceDrift(long readRows, long liveRows, long rows, Map<String, Long> byPartition, long limit,
                          String tolerance) {
    public static final String KEY = "thresholds.max_source_drift";

    public boolean ok() {
        return rows <= limit;
    }

    public static SourceDrift measure(long readRows, Map<Integer, Long> readByPartition, long liveRows,
                                      Map<Integer, Long> liveByPartition, Tolerance tolerance) {
        long drift = 0;
        long readPartitioned = 0;
        long livePartitioned = 0;
        Map<String, Long> delta = new LinkedHashMap<>();
        int partitions = Math.max(readByPartition.size(), liveByPartition.size());
        for (int p = 0; p < partitions; p++) {
            long r = readByPartition.getOrDefault(p, 0L);
            long l = liveByPartition.getOrDefault(p, 0L);
            readPartitioned += r;
            livePartitioned += l;
            drift += Math.abs(l - r);
            if (l != r) {
                delta.put(Partitions.name(p), l - r);
            }
        }
        drift += Math.abs((liveRows - livePartitioned) - (readRows - readPartitioned));
        return new SourceDrift(readRows, liveRows, drift, Map.copyOf(delta), tolerance.limitFor(readRows),
                tolerance.toString());
    }

    /** One line for the report or the refusal. */
    public String describe() {
        String parts = byPartition.isEmpty() ? "" : "; by partition " + byPartition.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparingInt(n -> Integer.parseInt(n.substring(1)))))
                .map(e -> e.getKey() + " " + (e.getValue() > 0 ? "+" : "") + e.getValue()).collect(Collectors.joining(", "));
        return "the live table drifted " + rows + " row(s) from what the build read (read " + readRows + ", live "
                + liveRows + " now" + parts + "), " + (ok() ? "within " : "over ") + KEY + "=" + tolerance
                + " (limit " + limit + ")";
    }

    /** The refusal when over the limit: what happened, that the collection is fine, what to do. */
    public String problem() {
        return describe() + "; the built collection matches what the build read, but it is that far behind the "
                + "catalogue: rebuild when the table is quieter, or raise " + KEY;
    }
}
