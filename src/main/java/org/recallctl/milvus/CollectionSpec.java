package org.recallctl.milvus;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.recallctl.config.Metric;
import org.recallctl.config.RecallConfig;
import org.recallctl.config.ScalarField;

/**
 * What a new collection looks like: INT64 primary key (the item id, no auto id), one float vector, scalars,
 * and the mark naming the pipeline that created it (retention drops only marked collections).
 */
public record CollectionSpec(String name, int dimension, Metric metric, String idField, String vectorField,
                             List<ScalarField> scalarFields, int partitions, Optional<CollectionMark> mark) {

    /** Without a mark: a collection retention will never touch. */
    public CollectionSpec(String name, int dimension, Metric metric, String idField, String vectorField,
                          List<ScalarField> scalarFields, int partitions) {
        this(name, dimension, metric, idField, vectorField, scalarFields, partitions, Optional.empty());
    }

    /** The pipeline's collection {@code name}, marked as this pipeline's, created now. */
    public static CollectionSpec from(String name, RecallConfig config) {
        var c = config.collection();
        return new CollectionSpec(name, config.source().dimension(), c.metric(), c.idField(), c.vectorField(),
                c.scalarFields(), c.partitions(), Optional.of(new CollectionMark(config.pipeline(), Instant.now())));
    }
}
