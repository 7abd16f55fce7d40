package org.recallctl.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.RecallctlException;
import org.recallctl.milvus.Partitions;
import org.recallctl.source.BadVectorException;
import org.recallctl.source.ItemSource;
import org.recallctl.source.KeyRange;
import org.recallctl.source.SourceRow;

/**
 * The bounded reader→writer pipeline of one build: {@code build.readers} key-range readers (decode and validate
 * on the reader threads, batch per partition), a queue of {@code build.queue_batches} batches (readers wait when
 * the sink is slower), and {@code build.writers} writers handing batches to a {@link BatchSink}.
 *
 * <p>Any failure of a reader or writer stops the others at once (flag + interrupt, bounded join) and the
 * original exception is rethrown. All threads are daemons, named {@code recallctl-build-*}.
 * Duplicate ids are detected without memory: each reader streams a disjoint id range in id order, so a
 * duplicate is always adjacent to its twin (the first is kept, the next ones are rejected).
 */
final class BuildPipeline {
    private static final long POLL_MS = 100;
    /** All readers' open (not yet full) batches together; beyond it the largest ships early. */
    static final long OPEN_BATCHES_BUDGET_BYTES = 64L * 1024 * 1024;
    /**
     * With checkpoints, an open batch older than this many full batches' worth of rows (batch_rows x P each) ships
     * early: a dense partition fills a batch in batch_rows x P rows, a sparse one would otherwise pin the range's
     * confirmed id at its first row until the range ends.
     */
    static final long STALE_BATCH_FACTOR = 4;

    private final RecallConfig.Build build;
    private final int partitions;
    private final String target;
    private final ItemSource source;
    private final RowValidator validator;
    private final BatchSink sink;
    private final BuildStatistics stats;
    private final RejectLedger ledger;
    private final BuildListener listener;
    private final long expectedRows;
    private final String idColumn;

    /** The resumable build's progress, or null (a build without checkpoints: bench sweeps, tests). */
    private final BuildCheckpoint checkpoint;
    private final BlockingQueue<Batch> queue;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<ExecutorService> pools = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stop;
    private volatile boolean readersDone;

    BuildPipeline(RecallConfig cfg, String target, ItemSource source, BatchSink sink, BuildStatistics stats,
                  RejectLedger ledger, BuildListener listener, long expectedRows) {
        this(cfg, target, source, sink, stats, ledger, listener, expectedRows, null);
    }

    /** @param checkpoint records each range's confirmed progress and, when resuming, what is left to stream */
    BuildPipeline(RecallConfig cfg, String target, ItemSource source, BatchSink sink, BuildStatistics stats,
                  RejectLedger ledger, BuildListener listener, long expectedRows, BuildCheckpoint checkpoint) {
        this.checkpoint = checkpoint;
        this.build = cfg.build();
        this.partitions = cfg.collection().partitions();
        this.target = target;
        this.source = source;
        this.validator = new RowValidator(cfg);
        this.sink = sink;
        this.stats = stats;
        this.ledger = ledger;
        this.listener = listener;
        this.expectedRows = expectedRows;
        this.idColumn = cfg.source().idColumn();
        this.queue = new ArrayBlockingQueue<>(build.queueBatches());
    }

    /** Streams every key range through the sink; returns when all batches are written, or throws the first failure. */
    void run() {
        rejectUnusableIds();
        List<KeyRange> ranges;
        if (checkpoint != null) {
            // the checkpoint's ranges (split when the build first started); a resumed build streams only what is
            // above each range's confirmed id
            ranges = new ArrayList<>();
            for (RangeProgress r : checkpoint.ranges()) {
                if (r.remaining() != null) {
                    ranges.add(r.remaining());
                }
            }
        } else {
            var bounds = source.idBounds();
            ranges = bounds.isEmpty() ? List.of() : KeyRange.split(bounds.get()[0], bounds.get()[1], build.readers());
        }
        if (ranges.isEmpty()) {
            return;
        }
        ExecutorService readers = pool("reader", ranges.size());
        ExecutorService writers = pool("writer", build.writers());
        for (KeyRange r : ranges) {
            readers.execute(guarded(() -> read(r)));
        }
        for (int i = 0; i < build.writers(); i++) {
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
            if (checkpoint != null) {
                checkpoint.persistAll(); // whatever was confirmed, also after a failure: a resume starts there
            }
        }
        Throwable t = failure.get();
        if (t != null) {
            throw rethrow(t);
        }
    }

    /**
     * Rows whose id is NULL or beyond int64 cannot be streamed by id range nor stored under an int64 key: they
     * are counted as read and rejected (null_id, id_range), against thresholds.max_bad_rows like any bad row.
     */
    private void rejectUnusableIds() {
        ItemSource.UnusableIds u = source.unusableIds(5);
        if (u.total() == 0) {
            return;
        }
        stats.read.addAndGet(u.total());
        ledger.rejectUnpartitioned(RejectReason.NULL_ID, u.nullIds(), List.of("null id: " + u.nullIds()
                + " row(s) have NULL in source column " + idColumn + " (no primary key; fix them or exclude them with source.where)"));
        List<String> examples = new ArrayList<>();
        for (String id : u.outOfRangeSample()) {
            examples.add("id out of range: " + id + " does not fit Milvus's int64 primary key (max " + Long.MAX_VALUE + ")");
        }
        ledger.rejectUnpartitioned(RejectReason.ID_RANGE, u.outOfRange(), examples);
    }

    private void read(KeyRange range) {
        RangeProgress progress = checkpoint == null ? null : checkpoint.rangeOf(range.from());
        long[] sincePublish = {0};
        long[] readHere = new long[partitions];
        PartitionBatcher batcher = new PartitionBatcher(partitions, build.batchRows(), build.batchBytes(),
                OPEN_BATCHES_BUDGET_BYTES / build.readers());
        long[] last = {Long.MIN_VALUE, 0}; // last id, and whether one was seen (1)
        long[] mark = {System.nanoTime()};
        source.stream(range, row -> {
            long entered = System.nanoTime();
            stats.add(BuildStatistics.Work.READ, entered - mark[0]);
            if (stop) {
                throw new Cancelled();
            }
            stats.read.incrementAndGet();
            readHere[Partitions.indexOf(row.id(), partitions)]++;
            boolean duplicate = last[1] == 1 && last[0] == row.id();
            last[0] = row.id();
            last[1] = 1;
            ValidRow valid = null;
            if (duplicate) {
                reject(row, RejectReason.DUPLICATE_ID, "duplicate id " + row.id() + " (the first row with this id was kept)", progress);
            } else {
                try {
                    valid = validator.validate(row);
                } catch (BadVectorException e) {
                    reject(row, RejectReason.of(e.getMessage()), e.getMessage(), progress);
                }
            }
            long decoded = System.nanoTime();
            stats.add(BuildStatistics.Work.DECODE, decoded - entered);
            boolean shipped = false;
            if (valid != null) {
                for (Batch b : batcher.add(valid)) {
                    ship(progress, b);
                    shipped = true;
                }
            }
            if (progress != null && ++sincePublish[0] >= 1024) {
                // a partition that fills slowly would hold the confirmed id back for the whole range
                for (Batch b : batcher.takeStale(STALE_BATCH_FACTOR * build.batchRows() * (long) partitions)) {
                    ship(progress, b);
                    shipped = true;
                }
            }
            if (progress != null && (shipped || sincePublish[0] >= 1024)) {
                // everything below this row's id is shipped, open or rejected (a duplicate of it may still follow)
                checkpoint.persist(progress.published(batcher.minOpenId(), row.id() - 1));
                sincePublish[0] = 0;
            }
            mark[0] = System.nanoTime();
        });
        for (Batch b : batcher.drain()) {
            ship(progress, b);
        }
        if (progress != null) {
            checkpoint.persist(progress.readDone());
        }
        for (int p = 0; p < partitions; p++) {
            stats.readByPartition.add(p, readHere[p]);
        }
    }

    private void reject(SourceRow row, RejectReason reason, String message, RangeProgress progress) {
        int p = Partitions.indexOf(row.id(), partitions);
        if (progress != null) {
            progress.rejected(row.id(), p, reason);
        }
        ledger.reject(row.id(), p, reason, message);
    }

    /** Registers the batch with its range's progress before queueing it, so it is never unaccounted for. */
    private void ship(RangeProgress progress, Batch b) {
        if (progress != null) {
            long r = progress.reserveFor(b);
            if (r != RangeProgress.NO_RESERVATION) {
                checkpoint.reserve(progress.index(), r); // before the batch can reach Milvus
            }
            progress.shipped(b);
        }
        put(b);
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
            stats.add(BuildStatistics.Work.QUEUE_WAIT, System.nanoTime() - t);
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
            long convert = sink.write(b);
            stats.add(BuildStatistics.Work.CONVERT, convert);
            stats.add(BuildStatistics.Work.INSERT, System.nanoTime() - t - convert);
            if (checkpoint != null) {
                checkpoint.persist(checkpoint.rangeOf(b.rows().get(0).id()).acked(b));
            }
            long w = stats.written.add(b.partition(), b.rows().size());
            listener.batchWritten(b.partition(), b.rows().size());
            listener.rowsDone(w + ledger.total(), expectedRows);
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
            } finally {
                stats.addCurrentThreadCpu();
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

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new RecallctlException(1, "build failed: " + t, t);
    }

    /** Thrown inside a worker that noticed another one failed; never escapes the pipeline. */
    private static final class Cancelled extends RuntimeException {
        Cancelled() {
            super("cancelled", null, false, false);
        }
    }
}
