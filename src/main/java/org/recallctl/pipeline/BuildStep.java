package org.recallctl.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.CheckRefusedException;
import org.recallctl.error.ConfigException;
import org.recallctl.error.RecallctlException;
import org.recallctl.milvus.CollectionSpec;
import org.recallctl.milvus.IndexInfo;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.milvus.Partitions;
import org.recallctl.source.BadVectorException;
import org.recallctl.source.ItemSource;
import org.recallctl.source.KeyRange;
import org.recallctl.source.SourceRow;

/**
 * Builds one collection from the source: refuse protected targets, drop + create with P partitions, stream
 * with {@code build.readers} key-range readers (decode and validate on the reader threads), batch per
 * partition under {@code build.batch_rows}/{@code build.batch_bytes}, hand batches through a bounded queue
 * ({@code build.queue_batches}, so readers wait when Milvus is slower) to {@code build.writers} writers, flush
 * once, index and wait.
 *
 * <p>Memory is bounded by batches, never by the table: open per-partition batches (compact float arrays, at most
 * readers x P batches and at most 64 MiB together, whatever P is) + queue_batches queued batches + one batch per
 * writer being converted to the SDK's gson rows (about 9x the float size) and sent + the JDBC fetch buffers
 * (source.fetch_size rows per reader). Measured: 1M x 128 rows, P=16, builds in -Xmx256m (docs/benchmarks.md).
 *
 * <p>Writes use insert, not upsert: upsert is a delete plus an insert on the server (slower, and on a fresh
 * collection it buys nothing except when the SDK retries a request that had in fact landed). Such a duplicate
 * cannot pass unnoticed: the post-build check compares every partition's row count exactly with the source.
 *
 * <p>Any failure of a reader or writer stops the others at once (flag + interrupt, bounded join) and the
 * original exception is rethrown (a DependencyException for MySQL/Milvus, exit 4). All threads are daemons.
 * Duplicate ids are detected without memory: each reader streams a disjoint id range in id order, so a
 * duplicate is always adjacent to its twin (the first is kept, the next ones are rejected).
 */
public final class BuildStep {
    private static final int SAMPLE_MAX = 100;
    private static final long POLL_MS = 100;
    /** All readers' open (not yet full) batches together; beyond it the largest ships early (see read()). */
    static final long OPEN_BATCHES_BUDGET_BYTES = 64L * 1024 * 1024;

    private final RecallConfig cfg;
    private final ItemSource source;
    private final MilvusGateway milvus;
    private final BuildListener listener;

    public BuildStep(RecallConfig cfg, ItemSource source, MilvusGateway milvus, BuildListener listener) {
        this.cfg = cfg;
        this.source = source;
        this.milvus = milvus;
        this.listener = listener == null ? BuildListener.none() : listener;
    }

    /** Refuses to build into the serving (key1) or rollback (history head) collection. */
    public static void refuseProtected(String target, Optional<String> serving, Optional<String> rollback) {
        if (serving.filter(target::equals).isPresent()) {
            throw new CheckRefusedException("refusing to build into '" + target + "': it is the serving collection "
                    + "(key1); build into another name (omit --collection to get the next one)");
        }
        if (rollback.filter(target::equals).isPresent()) {
            throw new CheckRefusedException("refusing to build into '" + target + "': it is the rollback collection "
                    + "(history head); use timestamp naming or another name to keep rollback possible");
        }
    }

    public BuildResult run(String target, Optional<String> serving, Optional<String> rollback) {
        refuseProtected(target, serving, rollback);
        var b = cfg.build();
        if (b.readers() < 1 || b.writers() < 1 || b.queueBatches() < 1) {
            throw new ConfigException("build.readers, build.writers and build.queue_batches must be at least 1 (got "
                    + b.readers() + ", " + b.writers() + ", " + b.queueBatches() + ")");
        }
        int partitions = cfg.collection().partitions();
        new PartitionBatcher(partitions, b.batchRows(), b.batchBytes()); // validates the bounds before any change
        try {
            return new Run(target).execute();
        } finally {
            listener.finished();
        }
    }

    /** The state of one build. */
    private final class Run {
        private final String target;
        private final int partitions = cfg.collection().partitions();
        private final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(cfg.build().queueBatches());
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean stop;
        private volatile boolean readersDone;
        private final List<ExecutorService> pools = Collections.synchronizedList(new ArrayList<>());
        private final RowValidator validator = new RowValidator(cfg);
        private final RowJson json = new RowJson(cfg);

        private final AtomicLong read = new AtomicLong();
        private final AtomicLong written = new AtomicLong();
        private final AtomicLong rejected = new AtomicLong();
        private final AtomicLongArray writtenByPartition;
        private final AtomicLongArray rejectedByPartition;
        private final Map<String, LongAdder> byReason = new ConcurrentHashMap<>();
        private final List<BuildResult.RejectedRow> sample = Collections.synchronizedList(new ArrayList<>());
        private final LongAdder readNanos = new LongAdder();
        private final LongAdder decodeNanos = new LongAdder();
        private final LongAdder queueWaitNanos = new LongAdder();
        private final LongAdder convertNanos = new LongAdder();
        private final LongAdder insertNanos = new LongAdder();
        private volatile long expectedRows;

        Run(String target) {
            this.target = target;
            this.writtenByPartition = new AtomicLongArray(partitions);
            this.rejectedByPartition = new AtomicLongArray(partitions);
        }

        BuildResult execute() {
            long t0 = System.nanoTime();
            Map<String, Double> phases = new LinkedHashMap<>();
            if (milvus.hasCollection(target)) {
                List<String> aliases = milvus.aliases(target);
                if (!aliases.isEmpty()) {
                    throw new CheckRefusedException("refusing to build into '" + target + "': Milvus alias(es) "
                            + aliases + " point at it, so something may be serving from it; move the alias first");
                }
                listener.phase("drop");
                milvus.dropCollection(target);
            }
            listener.phase("create");
            milvus.createCollection(CollectionSpec.from(target, cfg));
            expectedRows = source.count();
            listener.started(target, expectedRows);

            long ts = System.nanoTime();
            listener.phase("stream");
            stream();
            phases.put("stream", secs(System.nanoTime() - ts));
            checkTolerance(read.get(), true);

            long tf = System.nanoTime();
            listener.phase("flush");
            milvus.flush(target, cfg.milvus().indexTimeoutS() * 1000L);
            phases.put("flush", secs(System.nanoTime() - tf));

            long ti = System.nanoTime();
            listener.phase("index");
            IndexInfo index = milvus.createIndex(target, cfg.collection().vectorField(), cfg.index().type(),
                    cfg.collection().metric().name(), cfg.index().params(), cfg.milvus().indexTimeoutS() * 1000L,
                    listener::index);
            phases.put("index", secs(System.nanoTime() - ti));

            Map<String, Double> all = new LinkedHashMap<>();
            all.put("read", secs(readNanos.sum()));
            all.put("decode", secs(decodeNanos.sum()));
            all.put("queue_wait", secs(queueWaitNanos.sum()));
            all.put("convert", secs(convertNanos.sum()));
            all.put("insert", secs(insertNanos.sum()));
            all.putAll(phases);
            double total = secs(System.nanoTime() - t0);
            all.put("total", total);
            Map<String, Long> reasons = new TreeMap<>();
            byReason.forEach((k, v) -> reasons.put(k, v.sum()));
            List<BuildResult.RejectedRow> samples;
            synchronized (sample) {
                samples = sample.stream().sorted(java.util.Comparator.comparingLong(BuildResult.RejectedRow::id))
                        .toList();
            }
            return new BuildResult(target, read.get(), written.get(), rejected.get(), reasons, samples,
                    toMap(rejectedByPartition), toMap(writtenByPartition), total, all, index);
        }

        private void stream() {
            Optional<long[]> bounds = source.idBounds();
            if (bounds.isEmpty()) {
                return;
            }
            List<KeyRange> ranges = KeyRange.split(bounds.get()[0], bounds.get()[1], cfg.build().readers());
            ExecutorService readers = pool("reader", ranges.size());
            ExecutorService writers = pool("writer", cfg.build().writers());
            for (KeyRange r : ranges) {
                readers.execute(guarded(() -> read(r)));
            }
            for (int i = 0; i < cfg.build().writers(); i++) {
                writers.execute(guarded(this::write));
            }
            readers.shutdown();
            writers.shutdown();
            try {
                await(readers);
                readersDone = true;
                await(writers);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(new RecallctlException(130, "build of " + target + " interrupted", e));
            } finally {
                if (stop) {
                    stopAll();
                }
            }
            Throwable t = failure.get();
            if (t != null) {
                throw rethrow(t);
            }
        }

        private void await(ExecutorService pool) throws InterruptedException {
            while (!pool.awaitTermination(POLL_MS, TimeUnit.MILLISECONDS)) {
                if (stop) {
                    return;
                }
            }
        }

        /** Interrupts everything and waits a bounded time; threads are daemons, so a stuck one cannot hold the JVM. */
        private void stopAll() {
            stop = true;
            List<ExecutorService> copy;
            synchronized (pools) {
                copy = List.copyOf(pools);
            }
            copy.forEach(ExecutorService::shutdownNow);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (ExecutorService p : copy) {
                try {
                    p.awaitTermination(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            queue.clear();
        }

        private ExecutorService pool(String role, int n) {
            AtomicInteger seq = new AtomicInteger();
            ThreadFactory f = r -> {
                Thread t = new Thread(r, "recallctl-build-" + role + "-" + seq.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            ExecutorService p = Executors.newFixedThreadPool(n, f);
            pools.add(p);
            return p;
        }

        private Runnable guarded(Runnable work) {
            return () -> {
                try {
                    work.run();
                } catch (Cancelled c) {
                    // another thread failed first; its exception is the one reported
                } catch (Throwable t) {
                    fail(t);
                }
            };
        }

        private void fail(Throwable t) {
            if (failure.compareAndSet(null, t)) {
                stop = true;
                // interrupt blocked peers now (a writer inside an RPC, a reader waiting on the queue)
                synchronized (pools) {
                    pools.forEach(ExecutorService::shutdownNow);
                }
            }
        }

        private void read(KeyRange range) {
            PartitionBatcher batcher = new PartitionBatcher(partitions, cfg.build().batchRows(), cfg.build().batchBytes(),
                    OPEN_BATCHES_BUDGET_BYTES / cfg.build().readers());
            long[] last = {Long.MIN_VALUE, 0}; // last id, and whether one was seen (1)
            long[] mark = {System.nanoTime()};
            source.stream(range, row -> {
                long entered = System.nanoTime();
                readNanos.add(entered - mark[0]);
                if (stop) {
                    throw new Cancelled();
                }
                read.incrementAndGet();
                boolean duplicate = last[1] == 1 && last[0] == row.id();
                last[0] = row.id();
                last[1] = 1;
                ValidRow valid = null;
                if (duplicate) {
                    reject(row, "duplicate id " + row.id() + " (the first row with this id was kept)");
                } else {
                    try {
                        valid = validator.validate(row);
                    } catch (BadVectorException e) {
                        reject(row, e.getMessage());
                    }
                }
                long decoded = System.nanoTime();
                decodeNanos.add(decoded - entered);
                if (valid != null) {
                    for (Batch b : batcher.add(valid)) {
                        put(b);
                    }
                }
                mark[0] = System.nanoTime();
            });
            for (Batch b : batcher.drain()) {
                put(b);
            }
        }

        private void reject(SourceRow row, String reason) {
            int p = Partitions.indexOf(row.id(), partitions);
            rejectedByPartition.incrementAndGet(p);
            byReason.computeIfAbsent(RowValidator.category(reason), k -> new LongAdder()).increment();
            synchronized (sample) {
                if (sample.size() < SAMPLE_MAX) {
                    sample.add(new BuildResult.RejectedRow(row.id(), reason));
                }
            }
            long n = rejected.incrementAndGet();
            if (n > limit(Math.max(expectedRows, read.get()))) {
                checkTolerance(Math.max(expectedRows, read.get()), false);
            }
        }

        private long limit(long rows) {
            return cfg.thresholds().maxBadRows().limitFor(rows);
        }

        /** Over tolerance: exit 3 with the counts and a few sample ids (early, while streaming, or at the end). */
        private void checkTolerance(long rows, boolean finalCheck) {
            long n = rejected.get();
            long limit = limit(rows);
            if (n <= limit) {
                return;
            }
            String reasons = byReason.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> e.getKey() + "=" + e.getValue().sum()).collect(Collectors.joining(", "));
            String ids;
            synchronized (sample) {
                ids = sample.stream().limit(5).map(r -> r.id() + " (" + r.reason() + ")")
                        .collect(Collectors.joining("; "));
            }
            throw new CheckRefusedException((finalCheck ? "" : "at least ") + n + " bad rows rejected (" + reasons
                    + ") of " + rows + " source rows, over thresholds.max_bad_rows=" + cfg.thresholds().maxBadRows()
                    + " (limit " + limit + "); e.g. ids " + ids + "; fix those rows or raise thresholds.max_bad_rows"
                    + " (collection " + target + " is left incomplete and is not served)");
        }

        private void put(Batch b) {
            long t = System.nanoTime();
            try {
                while (!queue.offer(b, POLL_MS, TimeUnit.MILLISECONDS)) {
                    if (stop) {
                        throw new Cancelled();
                    }
                }
            } catch (InterruptedException e) {
                throw new Cancelled();
            } finally {
                queueWaitNanos.add(System.nanoTime() - t);
            }
        }

        private void write() {
            while (true) {
                if (stop) {
                    throw new Cancelled();
                }
                Batch b;
                try {
                    b = queue.poll(POLL_MS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    throw new Cancelled();
                }
                if (b == null) {
                    if (readersDone && queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                long t = System.nanoTime();
                var rows = json.rows(b);
                long c = System.nanoTime();
                convertNanos.add(c - t);
                milvus.insert(target, Partitions.name(b.partition()), rows);
                insertNanos.add(System.nanoTime() - c);
                writtenByPartition.addAndGet(b.partition(), b.rows().size());
                long w = written.addAndGet(b.rows().size());
                listener.batchWritten(b.partition(), b.rows().size());
                listener.rowsDone(w + rejected.get(), expectedRows);
            }
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new RecallctlException(1, "build failed: " + t, t);
    }

    private static Map<Integer, Long> toMap(AtomicLongArray a) {
        Map<Integer, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < a.length(); i++) {
            m.put(i, a.get(i));
        }
        return m;
    }

    private static double secs(long nanos) {
        return Math.round(nanos / 1e6) / 1e3;
    }

    /** Thrown inside a worker that noticed another one failed; never escapes the step. */
    private static final class Cancelled extends RuntimeException {
        Cancelled() {
            super("cancelled", null, false, false);
        }
    }
}
