package org.recallctl.pipeline;

import java.util.List;
import java.util.Map;
import org.recallctl.milvus.IndexInfo;

/**
 * What a build did, for the post-build check and the run report.
 *
 * @param sourceRows          rows selected in the source when the build read them
 * @param written             rows inserted into the collection
 * @param rejected            rows rejected as bad (wrong dimension, NaN/Inf, malformed, zero norm, duplicate id)
 * @param rejectedByReason    rejected rows per short reason
 * @param rejectedSample      up to 100 rejected ids with their reason, for the report
 * @param rejectedByPartition rejected rows per partition index (id mod P), for per-partition reconciliation
 * @param writtenByPartition  inserted rows per partition index
 * @param phaseSeconds        wall time per phase: read, decode, insert, flush, index
 * @param readByPartition     rows streamed per partition index: what the post-build check reconciles against
 *                            (sourceRows also counts the rows with a NULL or out-of-range id, which have none)
 * @param resumed             the build continued an interrupted one: its unconfirmed tail was deleted and written
 *                            again, which Milvus's statistics count until compaction (see CheckStep)
 */
public record BuildResult(String collection, long sourceRows, long written, long rejected,
                          Map<String, Long> rejectedByReason, List<RejectedRow> rejectedSample,
                          Map<Integer, Long> rejectedByPartition, Map<Integer, Long> writtenByPartition,
                          double seconds, Map<String, Double> phaseSeconds, IndexInfo index,
                          Map<Integer, Long> readByPartition, boolean resumed) {

    /** A build that started clean (its rows were never deleted and written again). */
    public BuildResult(String collection, long sourceRows, long written, long rejected,
                       Map<String, Long> rejectedByReason, List<RejectedRow> rejectedSample,
                       Map<Integer, Long> rejectedByPartition, Map<Integer, Long> writtenByPartition,
                       double seconds, Map<String, Double> phaseSeconds, IndexInfo index,
                       Map<Integer, Long> readByPartition) {
        this(collection, sourceRows, written, rejected, rejectedByReason, rejectedSample, rejectedByPartition,
                writtenByPartition, seconds, phaseSeconds, index, readByPartition, false);
    }

    /** One rejected row for the report; {@code id} is null when the row has no usable id (null_id, id_range). */
    public record RejectedRow(Long id, String reason) {
        public RejectedRow(long id, String reason) {
            this(Long.valueOf(id), reason);
        }
    }
}
