package org.recallctl.pipeline;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.DependencyException;
import org.recallctl.error.Interruptions;
import org.recallctl.milvus.ImportProgress;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.milvus.Partitions;

/**
 * Where a resumed build.method import build starts: which partitions the killed run imported for good, and an
 * empty partition for each of the others. The server goes on importing without its client, so nothing is
 * decided while one of the target's import tasks still runs.
 */
final class ImportResume {
    private final MilvusGateway milvus;
    private final RecallConfig cfg;
    private final Consumer<String> warn;

    ImportResume(MilvusGateway milvus, RecallConfig cfg, Consumer<String> warn) {
        this.milvus = milvus;
        this.cfg = cfg;
        this.warn = warn;
    }

    /**
     * A resumed import build: which partitions must be imported again. First every import job the server holds for
     * {@code target} is waited for: the ones the killed run recorded, and any it started without recording (killed
     * between its Import request and the checkpoint write), which would otherwise land beside the re-import and
     * duplicate the partition. Then a partition whose recorded job completed with its files' rows is kept; every
     * other partition is emptied (dropped and created, whatever a count says now) and imported again.
     */
    Set<Integer> settle(String target, BuildCheckpoint.Imported imp, List<String> notes) {
        awaitServerImports(target, cfg.build().imports().timeoutS() * 1000L);
        Set<Integer> redo = new TreeSet<>();
        for (int p = 0; p < cfg.collection().partitions(); p++) {
            long rows = p < imp.written().length ? imp.written()[p] : 0;
            BuildCheckpoint.Imported.Job job = imp.jobs().get(p);
            boolean done = rows == 0 || (job != null && (job.done() || imported(job)));
            if (done) {
                continue;
            }
            redo.add(p);
            milvus.recreatePartition(target, Partitions.name(p));
        }
        notes.add("partitions imported again: " + (redo.isEmpty() ? "none" : redo.stream().map(Partitions::name).toList()));
        return redo;
    }

    /** A recorded job of the killed run, all its tasks finished: true when it completed with its files' rows. */
    private boolean imported(BuildCheckpoint.Imported.Job job) {
        if (job.tasks().isEmpty()) {
            return false;
        }
        long rows = 0;
        for (long task : job.tasks()) {
            ImportProgress s = milvus.importState(task);
            if (!s.completed()) {
                return false;
            }
            rows += s.rows();
        }
        return rows == job.rows();
    }

    /** Waits until no import task of {@code target} is still running on the server (the server goes on without us). */
    private void awaitServerImports(String target, long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        boolean told = false;
        while (true) {
            List<Long> running = milvus.importsOf(target).stream().filter(s -> !s.finished())
                    .map(ImportProgress::task).toList();
            if (running.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new DependencyException("milvus", "the interrupted build's import tasks "
                        + running + " into " + target + " are still running after " + timeoutMs / 1000
                        + " s; resume again later or raise build.import.timeout_s");
            }
            if (!told) {
                told = true;
                warn.accept("the interrupted build left import tasks " + running + " running into " + target
                        + "; waiting for them before importing again");
            }
            Interruptions.sleep(1000, "interrupted while waiting for an import");
        }
    }
}
