package org.recallctl.bench;

/**
 * A block of item vectors, row-major ({@code rows[j * dim + d]} is dimension d of item j): the layout BLAS
 * multiplies directly and the exact rescoring reads contiguously. Each item's Euclidean norm is kept (rounded up)
 * for the error bound that decides which approximate scores must be rescored exactly (see {@link ExactTopK}).
 */
public final class ItemBlock {
    private final int dim;
    private final int capacity;
    private final long[] ids;
    private final float[] rows;
    private final float[] norms;
    private final float[] squares;
    private int count;
    private float maxNorm;

    public ItemBlock(int dim, int capacity) {
        this.dim = dim;
        this.capacity = capacity;
        this.ids = new long[capacity];
        this.rows = new float[dim * capacity];
        this.norms = new float[capacity];
        this.squares = new float[capacity];
    }

    /** Adds one item; returns false when the block is full. */
    public boolean add(long id, float[] v) {
        if (count == capacity) {
            return false;
        }
        ids[count] = id;
        System.arraycopy(v, 0, rows, count * dim, dim);
        double ss = 0;
        for (int d = 0; d < dim; d++) {
            ss += (double) v[d] * v[d];
        }
        float n = Math.nextUp((float) Math.sqrt(ss));
        norms[count] = n;
        squares[count] = (float) ss;
        maxNorm = Math.max(maxNorm, n);
        count++;
        return true;
    }

    public boolean full() {
        return count == capacity;
    }

    public void clear() {
        count = 0;
        maxNorm = 0;
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

    float[] rows() {
        return rows;
    }

    /** Euclidean norm of item j, rounded up. */
    float norm(int j) {
        return norms[j];
    }

    /** Squared norm of item j (summed in double, rounded once): the L2 expansion |x|² − 2q·x + |q|² needs it. */
    float squaredNorm(int j) {
        return squares[j];
    }

    /** The largest item norm in the block, rounded up. */
    float maxNorm() {
        return maxNorm;
    }

    /** Copies the block dimension-major into {@code columns[d][j]} (the pure-Java kernel's layout). */
    void transposeInto(float[][] columns) {
        for (int j = 0; j < count; j++) {
            int base = j * dim;
            for (int d = 0; d < dim; d++) {
                columns[d][j] = rows[base + d];
            }
        }
    }
}
