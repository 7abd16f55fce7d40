package org.recallctl.bench;

/**
 * A block of item vectors stored dimension-major: {@code columns[d][j]} is dimension d of item j. The scoring
 * loop then walks contiguous floats over items for one query coordinate, an element-wise loop that Java 17's C2
 * compiles to AVX code. Measured on this machine: ~50 GFLOP/s per core for {@code s[j] += a * x[j]} over separate
 * arrays indexed from 0, but scalar speed (~5) when both sides are offsets into one flat array (C2 then cannot
 * prove the two ranges apart) and for a per-item dot product (a float reduction, which C2 does not vectorise).
 */
public final class ItemBlock {
    private final int dim;
    private final int capacity;
    private final long[] ids;
    private final float[][] columns;
    private int count;

    public ItemBlock(int dim, int capacity) {
        this.dim = dim;
        this.capacity = capacity;
        this.ids = new long[capacity];
        this.columns = new float[dim][capacity];
    }

    /** Adds one item; returns false when the block is full. */
    public boolean add(long id, float[] v) {
        if (count == capacity) {
            return false;
        }
        ids[count] = id;
        for (int d = 0; d < dim; d++) {
            columns[d][count] = v[d];
        }
        count++;
        return true;
    }

    public boolean full() {
        return count == capacity;
    }

    public void clear() {
        count = 0;
    }

    public int count() {
        return count;
    }

    public int dim() {
        return dim;
    }

    public int capacity() {
        return capacity;
    }

    public long id(int j) {
        return ids[j];
    }

    long[] ids() {
        return ids;
    }

    float[][] columns() {
        return columns;
    }
}
