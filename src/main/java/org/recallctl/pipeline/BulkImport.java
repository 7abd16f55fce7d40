package org.recallctl.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recallctl.error.DependencyException;
import org.recallctl.error.Interruptions;
import org.recallctl.milvus.ImportProgress;
import org.recallctl.milvus.ImportStorage;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.milvus.Partitions;

/**
 * The import phase of build.method import: publish each partition's files where the data nodes read them, start
 * one import job per partition (gRPC Import: Milvus 2.3 runs it itself, 2.4+ routes it to its new import), poll
 * every job until all completed, and check that each imported exactly the rows its files hold. A failed job is
 * a DependencyException (exit 4) with the server's reason and where the files were kept.
 */
final class BulkImport {
    private static final long POLL_MS = 1000;

    private final MilvusGateway milvus;
    private final ImportStorage storage;
    private final String target;
    private final long timeoutMs;
    private final BuildListener listener;
    private Progress progress = new Progress() {
    };

    /** What a resumable build records: a partition's job started (its task ids), a partition's import completed. */
    interface Progress {
        default void started(int partition, long rows, List<Long> tasks) {
        }

        default void completed(int partition, long rows) {
        }
    }

    BulkImport progress(Progress p) {
        this.progress = p;
        return this;
    }

    BulkImport(MilvusGateway milvus, ImportStorage storage, String target, long timeoutMs, BuildListener listener) {
        this.milvus = milvus;
        this.storage = storage;
        this.target = target;
        this.timeoutMs = timeoutMs;
        this.listener = listener;
    }

    /** One started job: its partition, the rows its files hold, the server's task ids. */
    private record Job(ImportFileSink.Partition partition, List<Long> tasks) {
    }

    /** Publishes and imports; returns seconds spent publishing ("publish") and importing ("import"). */
    Map<String, Double> run(List<ImportFileSink.Partition> partitions) {
        long t0 = System.nanoTime();
        List<List<String>> published = new ArrayList<>();
        for (ImportFileSink.Partition p : partitions) {
            published.add(storage.publish(p.files()));
        }
        long t1 = System.nanoTime();
        long total = partitions.stream().mapToLong(ImportFileSink.Partition::rows).sum();
        listener.phase("import");
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < partitions.size(); i++) {
            ImportFileSink.Partition p = partitions.get(i);
            jobs.add(new Job(p, milvus.startImport(target, Partitions.name(p.index()), published.get(i))));
            progress.started(p.index(), p.rows(), jobs.get(i).tasks());
        }
        java.util.Set<Integer> reported = new java.util.HashSet<>();
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (true) {
            long rows = 0;
            boolean all = true;
            for (Job j : jobs) {
                long jobRows = 0;
                boolean jobDone = true;
                for (long task : j.tasks()) {
                    ImportProgress s = milvus.importState(task);
                    if (s.failed()) {
                        throw new DependencyException("milvus", "import of " + target + "/"
                                + Partitions.name(j.partition().index()) + " failed on the server (task " + task + ", "
                                + s.state() + "): " + s.failedReason() + "; files kept in " + storage.kept());
                    }
                    jobDone &= s.completed();
                    jobRows += s.completed() ? s.rows() : Math.round(j.partition().rows() * s.percent() / 100.0);
                }
                all &= jobDone;
                if (jobDone && jobRows != j.partition().rows()) {
                    throw new DependencyException("milvus", "import of " + target + "/"
                            + Partitions.name(j.partition().index()) + " completed with " + jobRows + " rows, but its"
                            + " files hold " + j.partition().rows() + "; files kept in " + storage.kept());
                }
                if (jobDone && reported.add(j.partition().index())) {
                    progress.completed(j.partition().index(), jobRows);
                }
                rows += jobRows;
            }
            listener.importProgress(Math.min(rows, total), total);
            if (all) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new DependencyException("milvus", "import into " + target + " not finished after "
                        + timeoutMs / 1000 + " s (" + rows + "/" + total + " rows); raise build.import.timeout_s or"
                        + " check the data nodes; files kept in " + storage.kept());
            }
            Interruptions.sleep(POLL_MS, "interrupted while importing into " + target + "; files kept in "
                    + storage.kept());
        }
        Map<String, Double> phases = new LinkedHashMap<>();
        phases.put("publish", BuildStatistics.secs(t1 - t0));
        phases.put("import", BuildStatistics.secs(System.nanoTime() - t1));
        return phases;
    }
}
