package org.recallctl.milvus;

import java.util.List;

/** The part of a collection's description a search needs. {@code partitions} excludes {@code _default}. */
public record CollectionLayout(String name, String vectorField, int dimension, List<String> partitions) {
}
