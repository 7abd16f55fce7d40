package org.recallctl.source;

import java.util.ArrayList;
import java.util.List;

/** An inclusive id range read by one parallel reader. */
public record KeyRange(long from, long to) {
    /** Splits [min, max] into at most {@code n} contiguous, non-overlapping ranges covering it exactly. */
    public static List<KeyRange> split(long min, long max, int n) {
        List<KeyRange> out = new ArrayList<>();
        if (max < min) {
            return out;
        }
        java.math.BigInteger span = java.math.BigInteger.valueOf(max).subtract(java.math.BigInteger.valueOf(min))
                .add(java.math.BigInteger.ONE);
        int parts = (int) Math.max(1, Math.min(n, span.min(java.math.BigInteger.valueOf(n)).longValue()));
        long from = min;
        for (int i = 1; i <= parts; i++) {
            long to = i == parts ? max : java.math.BigInteger.valueOf(min)
                    .add(span.multiply(java.math.BigInteger.valueOf(i)).divide(java.math.BigInteger.valueOf(parts)))
                    .subtract(java.math.BigInteger.ONE).longValueExact();
            out.add(new KeyRange(from, to));
            from = to + 1;
        }
        return out;
    }
}
