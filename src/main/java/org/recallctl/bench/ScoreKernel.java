package org.recallctl.bench;

/**
 * Fast, approximate scoring of one item block against a range of queries, for {@link ExactTopK}. A kernel may sum
 * in any order (BLAS does, and fuses multiply-adds), so its scores may differ from the reference loop's by a few
 * ulps; {@link #margin} bounds that difference, and ExactTopK rescores every item within the margin of a heap's
 * threshold with the reference loop, which makes the TopK exact whatever the kernel. Scores are "goodness"
 * (higher is better): the dot product for IP and COSINE, minus the squared distance for L2.
 */
interface ScoreKernel {
    /** For logs and the bench report, e.g. "native BLAS (/usr/lib/.../libblas.so.3)". */
    String name();

    /** Called once per block on the coordinating thread before any worker scores it. */
    default void prepare(ItemBlock block) {
    }

    /** A worker owns its scratch space; one per thread. */
    Worker worker();

    /**
     * An upper bound on |kernel score − reference score| for a query of norm {@code queryNorm} against items of
     * norm at most {@code itemNorm}.
     */
    double margin(double queryNorm, double itemNorm);

    interface Worker {
        /** Scores every item of {@code block} for queries {@code from <= q < to}, handing each query's scores on. */
        void score(ItemBlock block, int from, int to, Sink sink);
    }

    @FunctionalInterface
    interface Sink {
        /** {@code scores[offset + j]} is the approximate goodness of item j of the block for query {@code q}. */
        void accept(int q, float[] scores, int offset);
    }

    /**
     * Rounding bound for a float sum of {@code n} products in any order, fused or not: γ(n) = n·u / (1 − n·u) with
     * u = 2^-24 (Higham, Accuracy and Stability of Numerical Algorithms, §3.1), taken with n = dim + 4 so the few
     * extra roundings of the L2 expansion and of the bound itself are covered.
     */
    static double gamma(int dim) {
        double nu = (dim + 4) * 0x1p-24;
        return nu / (1 - nu);
    }
}
