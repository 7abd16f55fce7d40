package org.recallctl.pipeline;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counts and timings of one build, updated from reader and writer threads: rows read, rows written per
 * partition, thread-seconds per kind of work, and the CPU the build threads used (for the client-cost
 * benchmark). Rejections live in the {@link RejectLedger}.
 */
final class BuildStatistics {
    /** Work the reader and writer threads time (thread-seconds, summed over threads). Keys are report keys. */
    enum Work {
        READ("read"), DECODE("decode"), QUEUE_WAIT("queue_wait"), CONVERT("convert"), INSERT("insert");

        final String key;

        Work(String key) {
            this.key = key;
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Rows read from the source: streamed, plus those counted but not streamed (NULL or out-of-range id). */
    final AtomicLong read = new AtomicLong();
    /** Rows streamed per partition: what the post-build check reconciles the collection against. */
    final PartitionCounts readByPartition;
    final PartitionCounts written;
    private final EnumMap<Work, LongAdder> nanos = new EnumMap<>(Work.class);
    private final LongAdder cpuNanos = new LongAdder();

    BuildStatistics(int partitions) {
        this.written = new PartitionCounts(partitions);
        this.readByPartition = new PartitionCounts(partitions);
        for (Work w : Work.values()) {
            nanos.put(w, new LongAdder());
        }
    }

    void add(Work w, long n) {
        nanos.get(w).add(n);
    }

    /** Called by each build thread as it ends: adds the CPU time it used. */
    void addCurrentThreadCpu() {
        if (THREADS.isCurrentThreadCpuTimeSupported()) {
            cpuNanos.add(THREADS.getCurrentThreadCpuTime());
        }
    }

    /** read, decode, queue_wait, convert, insert (thread-seconds), then build_threads_cpu. */
    Map<String, Double> threadSeconds() {
        Map<String, Double> out = new LinkedHashMap<>();
        nanos.forEach((w, n) -> out.put(w.key, secs(n.sum())));
        out.put("build_threads_cpu", secs(cpuNanos.sum()));
        return out;
    }

    static double secs(long nanos) {
        return Math.round(nanos / 1e6) / 1e3;
    }
}
