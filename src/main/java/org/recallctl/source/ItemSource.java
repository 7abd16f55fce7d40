package org.recallctl.source;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where items come from. The pipeline depends on this, not on MySQL, so steps can be tested alone. */
public interface ItemSource extends AutoCloseable {
    /** Rows selected for publishing (the configured table and optional where). */
    long count();

    /** Smallest and largest selected id, or empty when there are no rows. */
    Optional<long[]> idBounds();

    /** Selected rows per partition {@code id mod partitions}, for reconciliation after a build. */
    Map<Integer, Long> countByPartition(int partitions);

    /** Streams the selected rows of one key range in id order to {@code sink}. */
    void stream(KeyRange range, RowSink sink);

    /** The raw vector column of one item, or empty when the id is not in the table. */
    Optional<Object> rawVector(long id);

    /** Up to {@code n} ids sampled deterministically from the selected rows. */
    List<Long> sampleIds(int n, long seed);

    @Override
    void close();

    @FunctionalInterface
    interface RowSink {
        void accept(SourceRow row) throws InterruptedException;
    }
}
