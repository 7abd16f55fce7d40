package org.recallctl.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import org.recallctl.source.KeyRange;

/**
 * How far one reader key range is confirmed (issue 12 §4): the largest id W such that every row of the range
 * with an id up to W was either acknowledged by Milvus or rejected, with the rows written and rejected up to W
 * per partition. Batches of one range are acknowledged out of order (one open batch per partition, several
 * writers), so W is the smallest id still in doubt minus one, where in doubt means: in a shipped batch not yet
 * acknowledged, in an open batch of the reader's batcher, or not read yet. The reader tells us the last two
 * ({@link #shipped}, {@link #published}); writers tell us acknowledgements ({@link #acked}).
 *
 * <p>A resumed build deletes the range's ids above W from the collection and streams them again, so rows of
 * batches acknowledged above W are simply rewritten: counts are kept only for ids up to W. Thread-safe.
 */
final class RangeProgress {
    /** A snapshot for the checkpoint: W and the counts up to it. */
    record Confirmed(int index, KeyRange range, long ackedId, long[] written, long[] rejected, long[] rejectedByReason,
                     boolean done, long seq) {
        long writtenTotal() {
            long n = 0;
            for (long w : written) {
                n += w;
            }
            return n;
        }

        long rejectedTotal() {
            long n = 0;
            for (long r : rejected) {
                n += r;
            }
            return n;
        }
    }

    private final int index;
    private final KeyRange range;
    private final int partitions;
    private long confirmed;
    private final long[] written;
    private final long[] rejected;
    private final long[] rejectedByReason = new long[RejectReason.values().length];
    /** First (smallest) ids of shipped batches not yet acknowledged; ids are unique within a range. */
    private final TreeSet<Long> outstanding = new TreeSet<>();
    /** Acknowledged batches that still hold ids above W, with how many of their rows were already counted. */
    private final List<long[]> ackedAbove = new ArrayList<>(); // {partition, counted, id0, id1, ...}
    /** Rejections not yet below W: {id, partition, reason ordinal}, in id order (the reader's order). */
    private final ArrayDeque<long[]> pendingRejects = new ArrayDeque<>();
    private long openFloor = Long.MAX_VALUE;
    private long readUpTo;
    private boolean readDone;
    private long seq;
    /** Ids up to here may have been shipped (recorded in Redis before any batch beyond it is shipped). */
    private long reserved;

    /** No new reservation is needed (see {@link #reserveFor}). */
    static final long NO_RESERVATION = Long.MIN_VALUE;

    /** A range nothing of which is confirmed yet. */
    RangeProgress(int index, KeyRange range, int partitions) {
        this(index, range, partitions, range.from() - 1, new long[partitions], new long[partitions],
                new long[RejectReason.values().length]);
    }

    /**
     * Before {@code b} is shipped: the new reservation to record when its last id lies beyond the current one
     * (a few batch spans ahead, so it is recorded about every eighth batch), else {@link #NO_RESERVATION}. Ids
     * above the reservation never reached Milvus, so a resume deletes only up to it.
     */
    synchronized long reserveFor(Batch b) {
        long last = b.rows().get(b.rows().size() - 1).id();
        if (last <= reserved) {
            return NO_RESERVATION;
        }
        long span = Math.max(1024, (last - b.rows().get(0).id()) * 8);
        reserved = last >= range.to() - span ? range.to() : last + span;
        return reserved;
    }

    /** A resumed range: what the interrupted run had reserved (rows up to it may have landed). */
    synchronized void reservedBefore(long r) {
        reserved = Math.max(reserved, r);
    }

    /** A range confirmed up to {@code ackedId} by an earlier run (its counts up to there). */
    RangeProgress(int index, KeyRange range, int partitions, long ackedId, long[] written, long[] rejected,
                  long[] rejectedByReason) {
        this.index = index;
        this.range = range;
        this.partitions = partitions;
        this.confirmed = ackedId;
        this.written = written.clone();
        this.rejected = rejected.clone();
        System.arraycopy(rejectedByReason, 0, this.rejectedByReason, 0,
                Math.min(rejectedByReason.length, this.rejectedByReason.length));
        this.readUpTo = ackedId;
        this.readDone = ackedId >= range.to();
        this.reserved = ackedId;
    }

    int index() {
        return index;
    }

    KeyRange range() {
        return range;
    }

    /** What is left to stream: the ids above W (null when the range is complete). */
    KeyRange remaining() {
        synchronized (this) {
            return confirmed >= range.to() ? null : new KeyRange(confirmed + 1, range.to());
        }
    }

    /** The reader shipped {@code b} (before it is queued, so it is never unaccounted for). */
    synchronized void shipped(Batch b) {
        outstanding.add(b.rows().get(0).id());
    }

    /**
     * The reader's state after its latest batches were shipped: the smallest id in its open batches
     * ({@link Long#MAX_VALUE} when none) and the id up to which it has read everything. Returns a snapshot when W moved.
     */
    synchronized Confirmed published(long smallestOpenId, long readThrough) {
        openFloor = smallestOpenId;
        readUpTo = Math.max(readUpTo, readThrough);
        return advance();
    }

    /** A rejected row of this range (the reader calls this in id order). */
    synchronized void rejected(long id, int partition, RejectReason reason) {
        pendingRejects.add(new long[] {id, partition, reason.ordinal()});
    }

    /** The reader read the whole range and shipped every batch. */
    synchronized Confirmed readDone() {
        readDone = true;
        openFloor = Long.MAX_VALUE;
        readUpTo = range.to();
        return advance();
    }

    /** Milvus acknowledged {@code b}; returns a snapshot when W moved. */
    synchronized Confirmed acked(Batch b) {
        outstanding.remove(b.rows().get(0).id());
        long[] entry = new long[b.rows().size() + 2];
        entry[0] = b.partition();
        entry[1] = 0;
        for (int i = 0; i < b.rows().size(); i++) {
            entry[i + 2] = b.rows().get(i).id();
        }
        ackedAbove.add(entry);
        return advance();
    }

    synchronized Confirmed snapshot() {
        return new Confirmed(index, range, confirmed, written.clone(), rejected.clone(), rejectedByReason.clone(),
                confirmed >= range.to(), seq);
    }

    private Confirmed advance() {
        long w = readUpTo;
        if (!outstanding.isEmpty()) {
            w = Math.min(w, outstanding.first() - 1);
        }
        if (openFloor != Long.MAX_VALUE) {
            w = Math.min(w, openFloor - 1);
        }
        if (readDone && outstanding.isEmpty()) {
            w = range.to();
        }
        if (w <= confirmed) {
            return null;
        }
        for (Iterator<long[]> it = ackedAbove.iterator(); it.hasNext(); ) {
            long[] e = it.next();
            int p = (int) e[0];
            int next = (int) e[1] + 2;
            while (next < e.length && e[next] <= w) {
                written[p]++;
                next++;
            }
            e[1] = next - 2;
            if (next >= e.length) {
                it.remove();
            }
        }
        while (!pendingRejects.isEmpty() && pendingRejects.peekFirst()[0] <= w) {
            long[] r = pendingRejects.pollFirst();
            rejected[(int) r[1]]++;
            rejectedByReason[(int) r[2]]++;
        }
        confirmed = w;
        seq++;
        return snapshot();
    }

    int partitions() {
        return partitions;
    }
}
