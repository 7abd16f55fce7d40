package org.recallctl.pipeline;

import org.recallctl.milvus.IndexInfo;
import org.recallctl.output.Progress;
import org.recallctl.output.ProgressTask;

/**
 * What a build reports while it runs. Called from reader, writer and the calling thread: implementations must be
 * thread-safe and cheap. A listener that throws stops the build (tests use that to inject faults).
 */
public interface BuildListener {
    default void started(String collection, long sourceRows) {
    }

    /** Rows finished so far (written + rejected) out of the source count taken at the start. */
    default void rowsDone(long done, long total) {
    }

    /** One insert request succeeded; called on the writer thread. */
    default void batchWritten(int partition, int rows) {
    }

    /** A phase begins: drop, create, stream, flush, index. */
    default void phase(String name) {
    }

    default void index(IndexInfo info) {
    }

    /** The build ended, successfully or not: close any display. */
    default void finished() {
    }

    static BuildListener none() {
        return new BuildListener() {
        };
    }

    /** Shows rows/s and ETA while streaming, then the index build, through {@code progress}. */
    static BuildListener progress(Progress progress) {
        return new BuildListener() {
            private volatile ProgressTask rows = ProgressTask.NONE;
            private volatile ProgressTask index = ProgressTask.NONE;
            private volatile long total;

            @Override
            public void started(String collection, long sourceRows) {
                total = sourceRows;
                rows = progress.start("build " + collection, sourceRows);
            }

            @Override
            public void rowsDone(long done, long total) {
                rows.setTo(done);
            }

            @Override
            public void phase(String name) {
                if ("flush".equals(name)) {
                    rows.close();
                } else if ("index".equals(name)) {
                    index = progress.start("index", total);
                }
            }

            @Override
            public void index(IndexInfo info) {
                index.setTo(info.finished() && info.totalRows() == 0 ? total : info.indexedRows());
            }

            @Override
            public void finished() {
                rows.close();
                index.close();
            }
        };
    }
}
