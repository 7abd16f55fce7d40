package org.recallctl.pipeline;

import java.util.List;

/** Rows of one partition for one insert request, with their estimated size on the wire. */
public record Batch(int partition, List<ValidRow> rows, long bytes) {
}
