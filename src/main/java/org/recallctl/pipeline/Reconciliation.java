package org.recallctl.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.recallctl.milvus.Partitions;

/**
 * The post-build reconciliation as a pure decision: the built total N must equal S minus the rejected rows, and
 * each partition p{i} must hold exactly the source rows with {@code item_id mod P = i} minus those rejected in
 * it. The per-partition check catches a lost batch hidden by a duplicated one elsewhere, which a total alone
 * cannot see. After a build, "source" means what the build read (exact, whatever the live table did meanwhile:
 * that is {@link SourceDrift}); rows without a usable id count in S and in the rejected rows but in no partition.
 */
public final class Reconciliation {
    private Reconciliation() {
    }

    public record PartitionRow(String partition, long source, long rejected, long expected, long built) {
        public boolean ok() {
            return expected == built;
        }
    }

    public record Result(long sourceRows, long rejected, long expected, long built, List<PartitionRow> partitions,
                         List<String> mismatches) {
        public boolean ok() {
            return mismatches.isEmpty();
        }
    }

    /**
     * @param sourceRows          S: rows the build read (or counted now, standalone)
     * @param rejected            rows the build rejected (all partitions)
     * @param built               N, the collection's row count after flush
     * @param sourceByPartition   source rows per partition index (read by the build, or counted now)
     * @param rejectedByPartition rejected rows per partition index (missing = 0); null when unknown (a standalone
     *                            check told only the total): then a partition may hold up to its source rows
     * @param builtByPartition    rows per partition index in the collection
     */
    public static Result reconcile(String collection, int partitions, long sourceRows, long rejected, long built,
                                   Map<Integer, Long> sourceByPartition, Map<Integer, Long> rejectedByPartition,
                                   Map<Integer, Long> builtByPartition) {
        List<String> mismatches = new ArrayList<>();
        long expected = sourceRows - rejected;
        if (built != expected) {
            mismatches.add(collection + " holds " + built + " rows, expected " + expected + " (source " + sourceRows
                    + " - rejected " + rejected + "): " + (built > expected ? (built - expected) + " too many (duplicated batches?)"
                    : (expected - built) + " missing (lost batches?)"));
        }
        List<PartitionRow> rows = new ArrayList<>();
        for (int i = 0; i < partitions; i++) {
            long s = sourceByPartition.getOrDefault(i, 0L);
            long b = builtByPartition.getOrDefault(i, 0L);
            if (rejectedByPartition == null) {
                PartitionRow row = new PartitionRow(Partitions.name(i), s, -1, s, b);
                rows.add(row);
                if (b > s || (rejected == 0 && b != s)) {
                    mismatches.add("partition " + row.partition() + " holds " + b + " rows, source has " + s);
                }
                continue;
            }
            long r = rejectedByPartition.getOrDefault(i, 0L);
            PartitionRow row = new PartitionRow(Partitions.name(i), s, r, s - r, b);
            rows.add(row);
            if (!row.ok()) {
                mismatches.add("partition " + row.partition() + " holds " + b + " rows, expected " + row.expected()
                        + " (source " + s + " - rejected " + r + ")");
            }
        }
        return new Result(sourceRows, rejected, expected, built, List.copyOf(rows), List.copyOf(mismatches));
    }
}
