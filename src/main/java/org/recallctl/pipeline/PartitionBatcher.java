package org.recallctl.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.recallctl.error.ConfigException;

/**
 * Groups rows into one open batch per partition and hands out a batch as soon as it is full by rows or by
 * bytes, so an insert request never exceeds either bound (a single row larger than the byte bound goes alone).
 * With many partitions the open batches themselves could hold a lot (P x batch per reader), so an optional
 * budget for all open batches ships the largest one early when exceeded: memory stays bounded whatever P is.
 * One per reader thread (not thread-safe).
 */
public final class PartitionBatcher {
    /** Milvus refuses insert requests over 64 MiB (grpc max receive size / proxy limit). */
    public static final long MILVUS_INSERT_LIMIT_BYTES = 64L * 1024 * 1024;

    private final int maxRows;
    private final long maxBytes;
    private final List<List<ValidRow>> open;
    private final long[] openBytes;
    private final long maxOpenBytes;
    private long totalOpenBytes;
    /** Rows added so far, and per partition how many had been added when its open batch got its first row. */
    private long added;
    private final long[] openedAt;

    public PartitionBatcher(int partitions, int maxRows, long maxBytes) {
        this(partitions, maxRows, maxBytes, Long.MAX_VALUE);
    }

    /** @param maxOpenBytes budget for all open batches together; the largest ships early beyond it */
    public PartitionBatcher(int partitions, int maxRows, long maxBytes, long maxOpenBytes) {
        if (maxRows < 1) {
            throw new ConfigException("build.batch_rows must be at least 1 (got " + maxRows + ")");
        }
        if (maxBytes < 1024 || maxBytes > MILVUS_INSERT_LIMIT_BYTES) {
            throw new ConfigException("build.batch_bytes must be between 1024 and " + MILVUS_INSERT_LIMIT_BYTES
                    + " (Milvus's 64 MiB insert limit); got " + maxBytes);
        }
        this.maxRows = maxRows;
        this.maxBytes = maxBytes;
        this.open = new ArrayList<>(partitions);
        this.openBytes = new long[partitions];
        this.maxOpenBytes = maxOpenBytes;
        this.openedAt = new long[partitions];
        for (int i = 0; i < partitions; i++) {
            open.add(new ArrayList<>());
        }
    }

    /**
     * Adds a row; returns the batches it completed (none, one, or two when the row first pushed the open batch
     * out by bytes and then itself filled a batch), in order.
     */
    public List<Batch> add(ValidRow row) {
        int p = row.partition();
        List<Batch> out = List.of();
        if (!open.get(p).isEmpty() && openBytes[p] + row.bytes() > maxBytes) {
            out = new ArrayList<>(2); // the row would push the batch over the byte bound: ship what we have first
            out.add(take(p));
        }
        if (open.get(p).isEmpty()) {
            openedAt[p] = added;
        }
        added++;
        open.get(p).add(row);
        openBytes[p] += row.bytes();
        totalOpenBytes += row.bytes();
        if (open.get(p).size() >= maxRows || openBytes[p] >= maxBytes) {
            if (out.isEmpty()) {
                return List.of(take(p));
            }
            out.add(take(p));
        } else if (totalOpenBytes > maxOpenBytes) {
            int largest = 0;
            for (int i = 1; i < openBytes.length; i++) {
                if (openBytes[i] > openBytes[largest]) {
                    largest = i;
                }
            }
            if (out.isEmpty()) {
                return List.of(take(largest));
            }
            out.add(take(largest));
        }
        return out;
    }

    /** Bytes held by all open batches now. */
    public long openBytes() {
        return totalOpenBytes;
    }

    /**
     * The smallest id in the open batches ({@link Long#MAX_VALUE} when all are empty): rows at or above it are not
     * shipped yet, which the resumable build's checkpoint must know. Rows arrive in id order, so each open batch's
     * first row is its smallest.
     */
    public long minOpenId() {
        long min = Long.MAX_VALUE;
        for (List<ValidRow> rows : open) {
            if (!rows.isEmpty()) {
                min = Math.min(min, rows.get(0).id());
            }
        }
        return min;
    }

    /**
     * Open batches that got their first row more than {@code maxAgeRows} rows ago (a sparse partition): shipped
     * early so that the resumable build's confirmed id is not held back by one slowly filling batch.
     */
    public List<Batch> takeStale(long maxAgeRows) {
        List<Batch> out = List.of();
        for (int p = 0; p < open.size(); p++) {
            if (!open.get(p).isEmpty() && added - openedAt[p] > maxAgeRows) {
                if (out.isEmpty()) {
                    out = new ArrayList<>(2);
                }
                out.add(take(p));
            }
        }
        return out;
    }

    /** Every non-empty open batch, emptying the batcher (end of a reader's range). */
    public List<Batch> drain() {
        List<Batch> out = new ArrayList<>();
        for (int p = 0; p < open.size(); p++) {
            if (!open.get(p).isEmpty()) {
                out.add(take(p));
            }
        }
        return out;
    }

    private Batch take(int p) {
        Batch b = new Batch(p, open.get(p), openBytes[p]);
        open.set(p, new ArrayList<>(Math.min(maxRows, 1024)));
        totalOpenBytes -= openBytes[p];
        openBytes[p] = 0;
        return b;
    }
}
