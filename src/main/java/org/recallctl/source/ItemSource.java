package org.recallctl.source;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where items come from. The pipeline depends on this, not on MySQL, so steps can be tested alone. */
public interface ItemSource extends AutoCloseable {
    /** Rows selected for publishing (the configured table and optional where). */
    long count();

    /**
     * Selected rows whose id cannot be a Milvus (int64) primary key: NULL ids, and ids beyond int64 (a
     * {@code BIGINT UNSIGNED} above 2^63-1). The other methods leave them out (bounds, partition counts, samples,
     * streams); the build rejects them as null_id / id_range.
     *
     * @param sample how many out-of-range ids to return as examples (as text: they do not fit a long)
     */
    UnusableIds unusableIds(int sample);

    /** See {@link #unusableIds}: counts, and a few out-of-range ids as text. */
    record UnusableIds(long nullIds, long outOfRange, List<String> outOfRangeSample) {
        public static final UnusableIds NONE = new UnusableIds(0, 0, List.of());

        public long total() {
            return nullIds + outOfRange;
        }
    }

    /** Smallest and largest selected id that fits int64, or empty when there is none. */
    Optional<long[]> idBounds();

    /** Selected rows per partition {@code id mod partitions} (int64 ids only), for reconciliation after a build. */
    Map<Integer, Long> countByPartition(int partitions);

    /** Streams the selected rows of one key range in id order to {@code sink}. */
    void stream(KeyRange range, RowSink sink);

    /** The raw vector column of one item, or empty when the id is not in the table. */
    Optional<Object> rawVector(long id);

    /** The selected rows among {@code ids} (vector and scalar columns, as {@link #stream} gives them), in id order. */
    List<SourceRow> rows(List<Long> ids);

    /** Up to {@code n} ids sampled deterministically from the selected rows. */
    List<Long> sampleIds(int n, long seed);

    @Override
    void close();

    @FunctionalInterface
    interface RowSink {
        void accept(SourceRow row) throws InterruptedException;
    }
}
