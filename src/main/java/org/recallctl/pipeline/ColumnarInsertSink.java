package org.recallctl.pipeline;

import org.recallctl.milvus.CollectionSpec;
import org.recallctl.milvus.InsertColumns;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.milvus.Partitions;

/** Inserts each batch into its partition of the target collection as one columnar request. */
final class ColumnarInsertSink implements BatchSink {
    private final MilvusGateway milvus;
    private final CollectionSpec spec;

    ColumnarInsertSink(MilvusGateway milvus, CollectionSpec spec) {
        this.milvus = milvus;
        this.spec = spec;
    }

    @Override
    public long write(Batch b) {
        long t = System.nanoTime();
        InsertColumns columns = new InsertColumns(spec);
        for (ValidRow r : b.rows()) {
            columns.add(r.id(), r.vector(), r.scalars());
        }
        long convert = System.nanoTime() - t;
        milvus.insert(spec.name(), Partitions.name(b.partition()), columns);
        return convert;
    }
}
