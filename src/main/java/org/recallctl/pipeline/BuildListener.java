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

    /** build.method import: rows the server has imported so far, of the rows in the import files. */
    default void importProgress(long rows, long total) {
    }

    /** build.method import failed: its files were kept for inspection at {@code where}. */
    default void importFilesKept(String where) {
    }

    /** A phase begins: drop, create, stream, (import,) flush, index. */
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

    /** Tells both listeners everything, {@code a} first. */
    static BuildListener both(BuildListener a, BuildListener b) {
        return new BuildListener() {
            @Override
            public void started(String collection, long sourceRows) {
                a.started(collection, sourceRows);
                b.started(collection, sourceRows);
            }

            @Override
            public void rowsDone(long done, long total) {
                a.rowsDone(done, total);
                b.rowsDone(done, total);
            }

            @Override
            public void batchWritten(int partition, int rows) {
                a.batchWritten(partition, rows);
                b.batchWritten(partition, rows);
            }

            @Override
            public void phase(String name) {
                a.phase(name);
                b.phase(name);
            }

            @Override
            public void index(IndexInfo info) {
                a.index(info);
                b.index(info);
            }

            @Override
            public void importProgress(long rows, long total) {
                a.importProgress(rows, total);
                b.importProgress(rows, total);
            }

            @Override
            public void importFilesKept(String where) {
                a.importFilesKept(where);
                b.importFilesKept(where);
            }

            @Override
            public void finished() {
                a.finished();
                b.finished();
            }
        };
    }

    /** Shows rows/s and ETA while streaming, then the index build, through {@code progress}. */
    static BuildListener progress(Progress progress) {
        return new BuildListener() {
            private volatile ProgressTask rows = ProgressTask.NONE;
            private volatile ProgressTask index = ProgressTask.NONE;
            private volatile ProgressTask imported = ProgressTask.NONE;
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
                if ("import".equals(name)) {
                    rows.close();
                    imported = progress.start("import", total);
                } else if ("flush".equals(name)) {
                    rows.close();
                    imported.close();
                } else if ("index".equals(name)) {
                    index = progress.start("index", total);
                }
            }

            @Override
            public void importProgress(long done, long of) {
                imported.setTo(done);
            }

            @Override
            public void index(IndexInfo info) {
                index.setTo(info.finished() && info.totalRows() == 0 ? total : info.indexedRows());
            }

            @Override
            public void finished() {
                rows.close();
                imported.close();
                index.close();
            }
        };
    }
}
