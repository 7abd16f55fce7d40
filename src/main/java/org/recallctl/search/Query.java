package org.recallctl.search;

/**
 * One query vector and where it came from, so the output can say "item 42" or "vectors.txt line 3".
 *
 * @param itemId the item the vector belongs to, or null for a literal vector
 */
public record Query(String label, Long itemId, float[] vector) {
}
