package org.recallctl.milvus;

import java.util.List;
import org.recallctl.config.Metric;
import org.recallctl.config.RecallConfig;
import org.recallctl.config.ScalarField;

/** What a new collection looks like: INT64 primary key (the item id, no auto id), one float vector, scalars. */
public record CollectionSpec(String name, int dimension, Metric metric, String idField, String vectorField,
                             List<ScalarField> scalarFields, int partitions) {

    public static CollectionSpec from(String name, RecallConfig config) {
        var c = config.collection();
        return new CollectionSpec(name, config.source().dimension(), c.metric(), c.idField(), c.vectorField(),
                c.scalarFields(), c.partitions());
    }
}
