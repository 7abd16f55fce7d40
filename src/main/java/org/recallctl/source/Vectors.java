package org.recallctl.source;

/** Small vector arithmetic shared by the build (normalisation) and demo data. */
public final class Vectors {
    private Vectors() {
    }

    /**
     * Scales {@code v} to unit length in place. The arithmetic is in double: in float, 1/|v| of a tiny vector
     * overflows to Infinity and the "unit" vector became Inf/NaN. A vector whose every non-zero component is
     * subnormal (below Float.MIN_NORMAL, down to a single bit of precision) has no direction worth keeping: it is
     * rejected like a zero vector.
     */
    public static void normalize(float[] v) throws BadVectorException {
        double sum = 0;
        boolean normalComponent = false;
        for (float x : v) {
            sum += (double) x * x;
            normalComponent |= Math.abs(x) >= Float.MIN_NORMAL;
        }
        if (sum == 0 || !Double.isFinite(sum)) {
            throw new BadVectorException("zero-norm vector cannot be normalized");
        }
        if (!normalComponent) {
            throw new BadVectorException("zero-norm vector cannot be normalized: every component is subnormal (|v| = "
                    + String.format("%.3g", Math.sqrt(sum)) + ")");
        }
        double norm = Math.sqrt(sum);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] / norm);
        }
    }

    /**
     * A random unit vector (Gaussian components, normalised): the query vectors of last resort when the source
     * cannot be sampled (warmup, serve probe). A zero Gaussian draw is all but impossible; it becomes e0.
     */
    public static float[] randomUnit(java.util.Random r, int dimension) {
        float[] v = new float[dimension];
        for (int j = 0; j < v.length; j++) {
            v[j] = (float) r.nextGaussian();
        }
        try {
            normalize(v);
        } catch (BadVectorException zero) {
            v[0] = 1f;
        }
        return v;
    }
}
