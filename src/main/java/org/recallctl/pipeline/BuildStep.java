package org.recallctl.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.CheckRefusedException;
import org.recallctl.error.ConfigException;
import org.recallctl.milvus.CollectionSpec;
import org.recallctl.milvus.ImportStorage;
import org.recallctl.milvus.IndexInfo;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.milvus.Partitions;
import org.recallctl.pointer.CheckpointStore;
import org.recallctl.source.ItemSource;

/**
 * Builds one collection from the source: refuse protected targets, drop + create with P partitions, stream the
 * source through the {@link BuildPipeline} (readers → validate → per-partition batches → bounded queue →
 * writers), flush once, index and wait. Bad rows go to the {@link RejectLedger}, counts and timings to the
 * {@link BuildStatistics}; this class only decides the order of the phases and assembles the result.
 *
 * <p>Memory is bounded by batches, never by the table: open per-partition batches (compact float arrays, at most
 * readers x P batches and at most 64 MiB together, whatever P is) + queue_batches queued batches + one batch per
 * writer being copied into its columnar request (about 1x the float size) and sent + one streamed row per
 * reader (Connector/J row streaming). Measured: 1M x 128 rows, P=16, builds in -Xmx256m (docs/benchmarks.md).
 *
 * <p>Writes use insert, not upsert: upsert is a delete plus an insert on the server (slower, and on a fresh
 * collection it buys nothing except when the SDK retries a request that had in fact landed). Such a duplicate
 * cannot pass unnoticed: the post-build check compares every partition's row count exactly with the source.
 *
 * <p>Any failure of a reader or writer stops the others at once and the original exception is rethrown (a
 * DependencyException for MySQL/Milvus, exit 4).
 */
public final class BuildStep {
    private final RecallConfig cfg;
    private final ItemSource source;
    private final MilvusGateway milvus;
    private final BuildListener listener;
    private CheckpointStore checkpoints;
    private boolean resume;
    private Consumer<String> warn = w -> { };
    private volatile Resume lastResume;

    /**
     * What the resumable build did (issue 12 §4): whether it resumed, rows read from the source by this run, rows
     * an earlier run had confirmed (written + rejected, not read again), ranges complete and ranges continued,
     * and the id ranges whose unconfirmed tail was deleted before being written again.
     */
    public record Resume(boolean resumed, long rowsReadThisRun, long rowsConfirmedBefore, int rangesSkipped,
                         int rangesContinued, List<String> tailsDeleted) {
    }

    public BuildStep(RecallConfig cfg, ItemSource source, MilvusGateway milvus, BuildListener listener) {
        this.cfg = cfg;
        this.source = source;
        this.milvus = milvus;
        this.listener = listener == null ? BuildListener.none() : listener;
    }

    /**
     * Records progress in {@code store} (the pipeline's checkpoint in Redis) so that an interrupted build can be
     * resumed; with {@code resume} this run continues the checkpoint's build instead of starting clean, or refuses
     * (exit 3) when the source, the build-relevant config or the target changed. Without this call nothing is
     * recorded (bench sweeps, tests). {@code warn} gets problems that do not stop the build.
     */
    public BuildStep checkpoints(CheckpointStore store, boolean resume, Consumer<String> warn) {
        this.checkpoints = store;
        this.resume = resume;
        this.warn = warn == null ? w -> { } : warn;
        return this;
    }

    /** After {@link #run}: what resuming did (resumed=false for a clean build); null before. */
    public Resume resumeSummary() {
        return lastResume;
    }

    /** The target an interrupted build left its checkpoint for, when there is one. */
    public static Optional<String> checkpointTarget(CheckpointStore store) {
        return BuildCheckpoint.target(store);
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
        new PartitionBatcher(cfg.collection().partitions(), b.batchRows(), b.batchBytes()); // validates the bounds before any change
        // build.import.* is checked before anything changes; nothing is written until the stream starts
        ImportStorage storage = b.method() == RecallConfig.BuildMethod.IMPORT
                ? ImportStorage.open(b.imports(), target, Long.toString(System.currentTimeMillis(), 36)) : null;
        try {
            return execute(target, storage);
        } finally {
            if (storage != null) {
                storage.close();
            }
            listener.finished();
        }
    }

    private BuildResult execute(String target, ImportStorage storage) {
        long t0 = System.nanoTime();
        int partitions = cfg.collection().partitions();
        Map<String, Double> phases = new LinkedHashMap<>();
        BuildCheckpoint checkpoint = null;
        if (resume) {
            checkpoint = BuildCheckpoint.resume(checkpoints, cfg, source, milvus, target, warn); // refuses first
        }
        if (milvus.hasCollection(target)) {
            List<String> aliases = milvus.aliases(target);
            if (!aliases.isEmpty()) {
                throw new CheckRefusedException("refusing to build into '" + target + "': Milvus alias(es) "
                        + aliases + " point at it, so something may be serving from it; move the alias first");
            }
        }
        if (checkpoints != null && !resume) {
            // a clean build: the old checkpoint goes before anything changes, the new one names this target
            checkpoint = BuildCheckpoint.start(checkpoints, cfg, source, target, warn);
        }
        // build.method import: the unit of progress is a partition whose import completed, not a key range
        BuildCheckpoint importCp = storage != null ? checkpoint : null;
        if (storage != null) {
            checkpoint = null;
        }
        Optional<BuildCheckpoint.Imported> imported = resume && importCp != null ? importCp.imported() : Optional.empty();
        // an import build killed before its files were complete made nothing durable: the same target from scratch
        boolean fromScratch = !resume || (storage != null && imported.isEmpty());
        CollectionSpec spec = CollectionSpec.from(target, cfg);
        List<String> tails = new ArrayList<>();
        java.util.Set<Integer> redo = null;
        if (fromScratch) {
            if (milvus.hasCollection(target)) {
                listener.phase("drop");
                milvus.dropCollection(target);
            }
            listener.phase("create");
            milvus.createCollection(spec);
        } else if (storage != null) {
            listener.phase("resume");
            redo = new ImportResume(milvus, cfg, warn).settle(target, imported.get(), tails); // the index stays: it is declared before imports
        } else {
            listener.phase("resume");
            String idField = cfg.collection().idField();
            for (RangeProgress r : checkpoint.ranges()) {
                var doubt = checkpoint.doubtful(r);
                if (r.remaining() != null && doubt.isPresent()) {
                    // rows above the confirmed id, up to what the run had reserved, may have landed (acknowledged
                    // out of order, or in flight at the kill): delete them by primary key before they are
                    // streamed again, so none is duplicated (by key: Milvus 2.3 deletes by expression only
                    // from a loaded collection, and an unindexed one cannot be loaded)
                    long deleted = deleteIds(target, idField, doubt.get());
                    tails.add(doubt.get().from() + ".." + doubt.get().to() + " (" + deleted + " ids)");
                }
            }
            if (milvus.index(target, cfg.collection().vectorField()).exists()) {
                milvus.dropIndex(target, cfg.collection().vectorField()); // built again after the stream
            }
        }
        long expectedRows = BuildCheckpoint.selectedRows(importCp != null ? importCp : checkpoint, source);
        listener.started(target, expectedRows);

        BuildStatistics stats = new BuildStatistics(partitions);
        RejectLedger ledger = new RejectLedger(cfg.thresholds().maxBadRows(), partitions, target,
                () -> Math.max(expectedRows, stats.read.get()));
        long carried = 0;
        int skipped = 0;
        if (redo != null) {
            BuildCheckpoint.Imported imp = imported.get();
            for (int p = 0; p < partitions; p++) {
                if (redo.contains(p)) {
                    continue;
                }
                long rej = p < imp.rejected().length ? imp.rejected()[p] : 0;
                long rows = p < imp.written().length ? imp.written()[p] : 0;
                stats.written.add(p, rows);
                stats.readByPartition.add(p, rows + rej);
                ledger.carryPartition(p, rej);
                for (RejectReason reason : RejectReason.values()) {
                    ledger.carry(reason, p < imp.rejectedByReason().length ? imp.rejectedByReason()[p][reason.ordinal()] : 0);
                }
                carried += rows + rej;
                skipped++;
            }
            stats.read.addAndGet(carried);
        } else if (resume && checkpoint != null) {
            for (RangeProgress r : checkpoint.ranges()) {
                RangeProgress.Confirmed c = r.snapshot();
                skipped += c.done() ? 1 : 0;
                for (int p = 0; p < partitions; p++) {
                    stats.written.add(p, c.written()[p]);
                    stats.readByPartition.add(p, c.written()[p] + c.rejected()[p]);
                    ledger.carryPartition(p, c.rejected()[p]);
                }
                for (RejectReason reason : RejectReason.values()) {
                    ledger.carry(reason, c.rejectedByReason()[reason.ordinal()]);
                }
                carried += c.writtenTotal() + c.rejectedTotal();
            }
            stats.read.addAndGet(carried);
        }
        if (storage != null) {
            milvus.requireImport(target); // before any file is written
            declareIndexBeforeImport(target);
            streamAndImport(target, spec, storage, stats, ledger, expectedRows, phases, importCp, redo);
        } else {
            long ts = System.nanoTime();
            listener.phase("stream");
            new BuildPipeline(cfg, target, source, new ColumnarInsertSink(milvus, spec), stats, ledger,
                    listener, expectedRows, checkpoint).run();
            phases.put("stream", BuildStatistics.secs(System.nanoTime() - ts));
            ledger.check(stats.read.get(), true);
        }

        long tf = System.nanoTime();
        listener.phase("flush");
        milvus.flush(target, cfg.milvus().indexTimeoutS() * 1000L);
        phases.put("flush", BuildStatistics.secs(System.nanoTime() - tf));

        long ti = System.nanoTime();
        listener.phase("index");
        IndexInfo index = milvus.createIndex(target, cfg.collection().vectorField(), cfg.index().type(),
                cfg.collection().metric().name(), cfg.index().params(), cfg.milvus().indexTimeoutS() * 1000L,
                listener::index);
        phases.put("index", BuildStatistics.secs(System.nanoTime() - ti));
        int units = redo != null ? redo.size() + skipped : checkpoint == null ? 0 : checkpoint.ranges().size();
        lastResume = new Resume(resume, stats.read.get() - carried, carried, skipped, resume ? units - skipped : 0,
                List.copyOf(tails));
        if (checkpoints != null) {
            BuildCheckpoint.clear(checkpoints, warn); // built and indexed: nothing left to resume
        }

        Map<String, Double> all = new LinkedHashMap<>(stats.threadSeconds());
        all.putAll(phases);
        double total = BuildStatistics.secs(System.nanoTime() - t0);
        all.put("total", total);
        return new BuildResult(target, stats.read.get(), stats.written.total(), ledger.total(), ledger.byReason(),
                ledger.sample(), ledger.byPartition().toMap(), stats.written.toMap(), total, all, index,
                stats.readByPartition.toMap(), resume);
    }

    /**
     * build.method import declares the index on the still empty collection: then the index node builds each
     * imported partition's segments while the data node imports the next partition, instead of one after the
     * other (measured at 1M rows on 2 cores: import + index 37 s -> 27 s, docs/benchmarks.md "Bulk import").
     * The index phase after the imports then waits for the rows still being indexed. Inserts keep the index
     * after the flush: there, the same order measured within noise and sealed segments would be indexed while
     * the server is still taking rows.
     */
    private void declareIndexBeforeImport(String target) {
        if (!milvus.index(target, cfg.collection().vectorField()).exists()) {
            milvus.createIndex(target, cfg.collection().vectorField(), cfg.index().type(),
                    cfg.collection().metric().name(), cfg.index().params(), cfg.milvus().indexTimeoutS() * 1000L,
                    listener::index);
        }
    }

    /** Deletes the source's ids in {@code range} from {@code target}, in requests of at most 10,000 keys. */
    private long deleteIds(String target, String idField, org.recallctl.source.KeyRange range) {
        List<Long> ids = source.ids(range);
        for (int from = 0; from < ids.size(); from += 10_000) {
            milvus.deleteIds(target, idField, ids.subList(from, Math.min(ids.size(), from + 10_000)));
        }
        return ids.size();
    }

    /**
     * build.method import: the same stream and validation into per-partition NumPy files, then one import job per
     * partition. The files are removed after a good import and kept (and reported) after a failure.
     */
    private void streamAndImport(String target, CollectionSpec spec, ImportStorage storage, BuildStatistics stats,
                                 RejectLedger ledger, long expectedRows, Map<String, Double> phases,
                                 BuildCheckpoint checkpoint, java.util.Set<Integer> only) {
        boolean imported = false;
        ImportFileSink files = new ImportFileSink(spec, storage);
        try {
            long ts = System.nanoTime();
            listener.phase("stream");
            if (only == null || !only.isEmpty()) {
                new BuildPipeline(cfg, target, source, files, stats, ledger, listener, expectedRows).only(only).run();
            }
            List<ImportFileSink.Partition> written = files.close();
            phases.put("stream", BuildStatistics.secs(System.nanoTime() - ts));
            ledger.check(stats.read.get(), true);
            BulkImport bulk = new BulkImport(milvus, storage, target, cfg.build().imports().timeoutS() * 1000L, listener);
            if (checkpoint != null) {
                long[] w = new long[cfg.collection().partitions()];
                for (int p = 0; p < w.length; p++) {
                    w[p] = stats.written.get(p);
                }
                checkpoint.streamed(w, ledger); // the files are complete: from here a partition's import is the unit
                Map<Integer, List<Long>> tasks = new java.util.concurrent.ConcurrentHashMap<>();
                bulk.progress(new BulkImport.Progress() {
                    @Override
                    public void started(int partition, long rows, List<Long> t) {
                        tasks.put(partition, t);
                        checkpoint.importStarted(partition, rows, t, false);
                    }

                    @Override
                    public void completed(int partition, long rows) {
                        checkpoint.importStarted(partition, rows, tasks.getOrDefault(partition, List.of()), true);
                    }
                });
            }
            if (!written.isEmpty()) {
                phases.putAll(bulk.run(written));
            }
            imported = true;
        } finally {
            try {
                files.close();
            } catch (RuntimeException ignored) {
                // a file that cannot be closed after another failure: that failure is the one to report
            }
            if (imported) {
                try {
                    storage.remove();
                } catch (RuntimeException e) {
                    listener.importFilesKept(storage.kept() + " (could not remove them: " + e.getMessage() + ")");
                }
            } else {
                listener.importFilesKept(storage.kept());
            }
        }
    }
}
