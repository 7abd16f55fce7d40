package org.recallctl.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.recallctl.milvus.CollectionSpec;
import org.recallctl.milvus.ImportFiles;
import org.recallctl.milvus.ImportStorage;
import org.recallctl.milvus.Partitions;

/**
 * Writes each batch into its partition's import files (build.method: import): the same validated rows the insert
 * path would send. Writer threads may fill different partitions at once; one partition's files take one
 * writer at a time.
 */
final class ImportFileSink implements BatchSink {
    private final CollectionSpec spec;
    private final ImportStorage storage;
    private final ImportFiles[] files;

    ImportFileSink(CollectionSpec spec, ImportStorage storage) {
        this.spec = spec;
        this.storage = storage;
        this.files = new ImportFiles[spec.partitions()];
    }

    @Override
    public long write(Batch b) {
        int p = b.partition();
        ImportFiles f;
        synchronized (files) {
            f = files[p];
            if (f == null) {
                f = new ImportFiles(spec, storage.staging().resolve(Partitions.name(p)));
                files[p] = f;
            }
        }
        synchronized (f) {
            for (ValidRow r : b.rows()) {
                f.add(r.id(), r.vector(), r.scalars());
            }
        }
        return 0; // the values go to the file buffers as they are: no conversion step
    }

    /** Closes every file (writing the final headers); returns the partitions that have rows, in order. */
    List<Partition> close() {
        List<Partition> out = new ArrayList<>();
        synchronized (files) {
            for (int p = 0; p < files.length; p++) {
                if (files[p] != null) {
                    files[p].close();
                    out.add(new Partition(p, files[p].rows(), files[p].files()));
                }
            }
        }
        return out;
    }

    /** One partition's closed files. */
    record Partition(int index, long rows, List<java.nio.file.Path> files) {
    }
}
