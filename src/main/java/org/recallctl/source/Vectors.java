package org.recallctl.source;

/** Small vector arithmetic shared by the build (normalisation) and demo data. */
public final class Vectors {
    private Vectors() {
    }

    /** Scales {@code v} to unit length in place. */
    public static void normalize(float[] v) throws BadVectorException {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum == 0 || !Double.isFinite(sum)) {
            throw new BadVectorException("zero-norm vector cannot be normalized");
        }
        float inv = (float) (1.0 / Math.sqrt(sum));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
    }
}
