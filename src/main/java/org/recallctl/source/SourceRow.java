package org.recallctl.source;

/** One row as read from the item table: id, undecoded vector column, scalar columns in config order. */
public record SourceRow(long id, Object rawVector, Object[] scalars) {
}
