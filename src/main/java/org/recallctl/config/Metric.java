package org.recallctl.config;

/** Similarity metric of the collection. IP and COSINE: higher is better; L2: lower is better. */
public enum Metric {
    IP(true), COSINE(true), L2(false);

    private final boolean higherIsBetter;

    Metric(boolean higherIsBetter) {
        this.higherIsBetter = higherIsBetter;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }
}
