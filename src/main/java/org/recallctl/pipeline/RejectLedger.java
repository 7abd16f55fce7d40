package org.recallctl.pipeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.recallctl.config.Tolerance;
import org.recallctl.error.CheckRefusedException;

/**
 * The bad rows of one build: a count per {@link RejectReason} and per partition, the first few ids with their
 * message for the report, and the thresholds.max_bad_rows policy. Thread-safe (readers reject concurrently).
 * The build stops early (exit 3) as soon as the count passes the limit for the rows known so far.
 */
final class RejectLedger {
    static final int SAMPLE_MAX = 100;

    private final Tolerance tolerance;
    private final String target;
    private final LongSupplier rowsKnown;
    private final AtomicLongArray byReason = new AtomicLongArray(RejectReason.values().length);
    private final PartitionCounts byPartition;
    /** Rows that belong to no partition (a NULL or out-of-range id). */
    private final java.util.concurrent.atomic.AtomicLong unpartitioned = new java.util.concurrent.atomic.AtomicLong();
    private final List<BuildResult.RejectedRow> sample = new ArrayList<>();

    /** @param rowsKnown the larger of the source count and the rows read so far (the early limit's base) */
    RejectLedger(Tolerance tolerance, int partitions, String target, LongSupplier rowsKnown) {
        this.tolerance = tolerance;
        this.target = target;
        this.rowsKnown = rowsKnown;
        this.byPartition = new PartitionCounts(partitions);
    }

    /** Records one bad row; throws CheckRefusedException once the rejections pass the limit. */
    void reject(long id, int partition, RejectReason reason, String message) {
        byReason.incrementAndGet(reason.ordinal());
        byPartition.add(partition, 1);
        long n = total();
        synchronized (sample) {
            if (sample.size() < SAMPLE_MAX) {
                sample.add(new BuildResult.RejectedRow(id, message));
            }
        }
        long rows = rowsKnown.getAsLong();
        if (n > tolerance.limitFor(rows)) {
            check(rows, false);
        }
    }

    /**
     * Records {@code n} bad rows that have no partition (their id is NULL or beyond int64), with up to a few
     * sample messages (each sampled with a null id); throws CheckRefusedException once over the limit.
     */
    void rejectUnpartitioned(RejectReason reason, long n, List<String> messages) {
        if (n <= 0) {
            return;
        }
        byReason.addAndGet(reason.ordinal(), n);
        unpartitioned.addAndGet(n);
        synchronized (sample) {
            for (String m : messages) {
                if (sample.size() < SAMPLE_MAX) {
                    sample.add(new BuildResult.RejectedRow(null, m));
                }
            }
        }
        long rows = rowsKnown.getAsLong();
        if (total() > tolerance.limitFor(rows)) {
            check(rows, false);
        }
    }

    /** Rows an earlier, interrupted run of the same build rejected in ranges it confirmed (a resumed build). */
    void carry(RejectReason reason, long n) {
        byReason.addAndGet(reason.ordinal(), n);
    }

    /** See {@link #carry(RejectReason, long)}: the same rows by partition. */
    void carryPartition(int partition, long n) {
        byPartition.add(partition, n);
    }

    long total() {
        return byPartition.total() + unpartitioned.get();
    }

    PartitionCounts byPartition() {
        return byPartition;
    }

    /** Non-zero counts by reason key, sorted by key. */
    Map<String, Long> byReason() {
        Map<String, Long> out = new TreeMap<>();
        for (RejectReason r : RejectReason.values()) {
            long n = byReason.get(r.ordinal());
            if (n > 0) {
                out.put(r.key(), n);
            }
        }
        return out;
    }

    EnumMap<RejectReason, Long> countsByReason() {
        EnumMap<RejectReason, Long> out = new EnumMap<>(RejectReason.class);
        for (RejectReason r : RejectReason.values()) {
            out.put(r, byReason.get(r.ordinal()));
        }
        return out;
    }

    List<BuildResult.RejectedRow> sample() {
        synchronized (sample) {
            return sample.stream().sorted(Comparator.comparing(BuildResult.RejectedRow::id,
                    Comparator.nullsFirst(Comparator.naturalOrder()))).toList();
        }
    }

    /** Over tolerance: exit 3 with the counts and a few sample ids (early while streaming, or at the end). */
    void check(long rows, boolean finalCheck) {
        long n = total();
        long limit = tolerance.limitFor(rows);
        if (n <= limit) {
            return;
        }
        String reasons = byReason().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
        String ids;
        synchronized (sample) {
            ids = sample.stream().limit(5).map(r -> (r.id() == null ? "" : r.id() + " ") + "(" + r.reason() + ")")
                    .collect(Collectors.joining("; "));
        }
        throw new CheckRefusedException((finalCheck ? "" : "at least ") + n + " bad rows rejected (" + reasons
                + ") of " + rows + " source rows, over thresholds.max_bad_rows=" + tolerance + " (limit " + limit
                + "); e.g. ids " + ids + "; fix those rows or raise thresholds.max_bad_rows"
                + " (collection " + target + " is left incomplete and is not served)");
    }
}
