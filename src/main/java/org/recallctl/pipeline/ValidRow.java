package org.recallctl.pipeline;

/** A decoded, validated source row ready to be written: id, vector (normalised if configured), scalars. */
public record ValidRow(long id, float[] vector, Object[] scalars, int partition, long bytes) {
}
