package org.recallctl.milvus;

import java.util.List;

/** One collection as {@code status} shows it. */
public record CollectionInfo(String name, long rows, List<String> partitions, int dimension, IndexInfo index,
                             LoadInfo load, List<String> aliases) {
}
