package org.recallctl.pipeline;

import org.recallctl.milvus.MilvusGateway;
import org.recallctl.milvus.Partitions;

/** Inserts each batch into its partition of the target collection (the SDK's row-wise insert). */
final class RowInsertSink implements BatchSink {
    private final MilvusGateway milvus;
    private final String target;
    private final RowJson json;

    RowInsertSink(MilvusGateway milvus, String target, RowJson json) {
        this.milvus = milvus;
        this.target = target;
        this.json = json;
    }

    @Override
    public long write(Batch b) {
        long t = System.nanoTime();
        var rows = json.rows(b);
        long convert = System.nanoTime() - t;
        milvus.insert(target, Partitions.name(b.partition()), rows);
        return convert;
    }
}
