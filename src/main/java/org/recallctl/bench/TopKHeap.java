package org.recallctl.bench;

/**
 * The K best (highest "goodness") items seen so far, in primitive arrays: a worst-on-top binary heap, ties
 * broken like {@link org.recallctl.search.TopKMerger} (smaller id ranks first). {@link #threshold()} lets the
 * scan reject almost every item with one comparison.
 */
final class TopKHeap {
    private final int k;
    private final float[] score;
    private final long[] id;
    private int size;

    TopKHeap(int k) {
        this.k = k;
        this.score = new float[k];
        this.id = new long[k];
    }

    /** Goodness an item must beat (or tie with a smaller id) to enter; -inf until the heap is full. */
    float threshold() {
        return size < k ? Float.NEGATIVE_INFINITY : score[0];
    }

    /** a ranks worse than b */
    private static boolean worse(float sa, long ia, float sb, long ib) {
        return sa < sb || (sa == sb && ia > ib);
    }

    void offer(float s, long itemId) {
        if (size < k) {
            int i = size++;
            score[i] = s;
            id[i] = itemId;
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (!worse(score[i], id[i], score[p], id[p])) {
                    break;
                }
                swap(i, p);
                i = p;
            }
        } else if (worse(score[0], id[0], s, itemId)) {
            score[0] = s;
            id[0] = itemId;
            int i = 0;
            while (true) {
                int l = 2 * i + 1;
                int r = l + 1;
                int w = i;
                if (l < size && worse(score[l], id[l], score[w], id[w])) {
                    w = l;
                }
                if (r < size && worse(score[r], id[r], score[w], id[w])) {
                    w = r;
                }
                if (w == i) {
                    break;
                }
                swap(i, w);
                i = w;
            }
        }
    }

    private void swap(int a, int b) {
        float s = score[a];
        score[a] = score[b];
        score[b] = s;
        long t = id[a];
        id[a] = id[b];
        id[b] = t;
    }

    int size() {
        return size;
    }

    /** Drains into best-first order. */
    void sortedInto(long[] ids, float[] goodness) {
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> worse(score[a], id[a], score[b], id[b]) ? 1
                : worse(score[b], id[b], score[a], id[a]) ? -1 : 0);
        for (int i = 0; i < size; i++) {
            ids[i] = id[order[i]];
            goodness[i] = score[order[i]];
        }
    }
}
