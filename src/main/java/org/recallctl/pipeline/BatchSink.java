package org.recallctl.pipeline;

/**
 * Where the build's writer threads put validated batches: Milvus inserts, or import files. Called by several
 * writer threads at once; a failure thrown here stops the whole build (see {@link BuildPipeline}).
 */
interface BatchSink {
    /**
     * Writes one batch of one partition; returns the nanoseconds of it spent converting (the rest of the call
     * is counted as writing).
     */
    long write(Batch batch);
}
