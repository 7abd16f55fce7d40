package org.recallctl.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** A row count per partition index (id mod P) and their total, updated from many threads. */
final class PartitionCounts {
    private final AtomicLongArray counts;
    private final AtomicLong total = new AtomicLong();

    PartitionCounts(int partitions) {
        this.counts = new AtomicLongArray(partitions);
    }

    /** Adds {@code n} rows to partition {@code p}; returns the new total over all partitions. */
    long add(int p, long n) {
        counts.addAndGet(p, n);
        return total.addAndGet(n);
    }

    long get(int p) {
        return counts.get(p);
    }

    long total() {
        return total.get();
    }

    Map<Integer, Long> toMap() {
        Map<Integer, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < counts.length(); i++) {
            m.put(i, counts.get(i));
        }
        return m;
    }
}
