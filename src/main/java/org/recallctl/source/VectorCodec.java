package org.recallctl.source;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.recallctl.config.RecallConfig.Encoding;

/**
 * Decodes the vector column as stored (JSON array text, comma-separated text, float32 little-endian BLOB, or
 * base64 of that BLOB) and encodes vectors the same way for demo data. Decoding checks dimension, NaN and
 * infinity, so no bad float reaches Milvus.
 */
public final class VectorCodec {
    private final Encoding encoding;
    private final int dimension;

    public VectorCodec(Encoding encoding, int dimension) {
        this.encoding = encoding;
        this.dimension = dimension;
    }

    public Encoding encoding() {
        return encoding;
    }

    /** True when the column holds bytes (BLOB) rather than text. */
    public boolean binary() {
        return encoding == Encoding.F32LE;
    }

    /** @param raw a String for text encodings, a byte[] for f32le */
    public float[] decode(Object raw) throws BadVectorException {
        if (raw == null) {
            throw new BadVectorException("null vector");
        }
        float[] v = switch (encoding) {
            case JSON -> parseText(text(raw), true);
            case CSV -> parseText(text(raw), false);
            case F32LE -> fromBytes(bytes(raw));
            case BASE64 -> {
                try {
                    yield fromBytes(Base64.getDecoder().decode(text(raw).trim()));
                } catch (IllegalArgumentException e) {
                    throw new BadVectorException("malformed base64");
                }
            }
        };
        checkFinite(v);
        return v;
    }

    public Object encode(float[] v) {
        return switch (encoding) {
            case JSON -> toText(v, true);
            case CSV -> toText(v, false);
            case F32LE -> toBytes(v);
            case BASE64 -> Base64.getEncoder().encodeToString(toBytes(v));
        };
    }

    private static String text(Object raw) {
        return raw instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : raw.toString();
    }

    private static byte[] bytes(Object raw) {
        return raw instanceof byte[] b ? b : raw.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private float[] fromBytes(byte[] b) throws BadVectorException {
        if (b.length != dimension * 4) {
            if (b.length % 4 != 0) {
                throw new BadVectorException("malformed blob of " + b.length + " bytes (not a multiple of 4)");
            }
            throw new BadVectorException("wrong dimension " + b.length / 4 + " (expected " + dimension + ")");
        }
        float[] v = new float[dimension];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    private static byte[] toBytes(float[] v) {
        ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(v);
        return buf.array();
    }

    /** A hand-rolled scanner: splitting and regexes cost more than the floats themselves on big tables. */
    float[] parseText(String s, boolean brackets) throws BadVectorException {
        int i = 0;
        int end = s.length();
        while (i < end && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        while (end > i && Character.isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        if (brackets) {
            if (end - i < 2 || s.charAt(i) != '[' || s.charAt(end - 1) != ']') {
                throw new BadVectorException("malformed JSON array");
            }
            i++;
            end--;
        }
        float[] v = new float[dimension];
        int n = 0;
        while (i < end) {
            while (i < end && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n' || s.charAt(i) == '\r')) {
                i++;
            }
            int start = i;
            while (i < end && s.charAt(i) != ',') {
                i++;
            }
            int stop = i;
            while (stop > start && Character.isWhitespace(s.charAt(stop - 1))) {
                stop--;
            }
            if (stop == start) {
                throw new BadVectorException("malformed vector: empty element at position " + n);
            }
            if (n >= dimension) {
                throw new BadVectorException("wrong dimension " + (n + 1 + count(s, i, end)) + " (expected " + dimension + ")");
            }
            v[n++] = parseFloat(s, start, stop, n - 1);
            if (i < end) {
                i++; // the comma
                if (i >= end) {
                    throw new BadVectorException("malformed vector: trailing comma");
                }
            }
        }
        if (n != dimension) {
            throw new BadVectorException("wrong dimension " + n + " (expected " + dimension + ")");
        }
        return v;
    }

    private static int count(String s, int from, int end) {
        int c = 0;
        for (int k = from; k < end; k++) {
            if (s.charAt(k) == ',') {
                c++;
            }
        }
        return c;
    }

    private static float parseFloat(String s, int start, int stop, int position) throws BadVectorException {
        for (int k = start; k < stop; k++) {
            char c = s.charAt(k);
            // Float.parseFloat also accepts "NaN", "Infinity", hex and a trailing 'f': JSON allows none of these
            if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) {
                String token = s.substring(start, stop);
                if (token.contains("NaN") || token.contains("Infinity")) {
                    throw new BadVectorException("NaN or infinity at position " + position);
                }
                throw new BadVectorException("malformed number '" + abbreviate(token) + "' at position " + position);
            }
        }
        float fast = fastParse(s, start, stop);
        if (!Float.isNaN(fast)) {
            return fast;
        }
        try {
            return Float.parseFloat(s.substring(start, stop));
        } catch (NumberFormatException e) {
            throw new BadVectorException("malformed number '" + abbreviate(s.substring(start, stop)) + "' at position " + position);
        }
    }

    private static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p; // 10^0..10^22 are exact doubles
            p *= 10;
        }
    }

    /**
     * The common case without allocating: a decimal with at most 2^53 as significand and a power of ten up to
     * 10^22. Then {@code m * 10^e} (or {@code m / 10^-e}) is one correctly rounded double operation on exact
     * operands, and rounding that double to float gives the correctly rounded float (double rounding is
     * innocuous for one operation when 53 >= 2 * 24 + 2), i.e. exactly what Float.parseFloat returns.
     * Returns NaN when the token is outside that case (the caller falls back to Float.parseFloat).
     */
    static float fastParse(String s, int start, int stop) {
        int i = start;
        boolean negative = false;
        if (i < stop && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long m = 0;
        int exp10 = 0;
        int digits = 0;
        boolean dot = false;
        for (; i < stop; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
                if (m > (1L << 53) / 10) {
                    return Float.NaN; // too many significant digits for the exact path
                }
                m = m * 10 + (c - '0');
                if (dot) {
                    exp10--;
                }
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                break;
            }
        }
        if (digits == 0) {
            return Float.NaN;
        }
        if (i < stop) {
            char c = s.charAt(i);
            if (c != 'e' && c != 'E') {
                return Float.NaN;
            }
            i++;
            boolean expNegative = false;
            if (i < stop && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
                expNegative = s.charAt(i) == '-';
                i++;
            }
            if (i == stop || stop - i > 4) {
                return Float.NaN;
            }
            int e = 0;
            for (; i < stop; i++) {
                char d = s.charAt(i);
                if (d < '0' || d > '9') {
                    return Float.NaN;
                }
                e = e * 10 + (d - '0');
            }
            exp10 += expNegative ? -e : e;
        }
        if (m == 0) {
            return negative ? -0.0f : 0.0f;
        }
        if (exp10 < -22 || exp10 > 22 || m > (1L << 53)) {
            return Float.NaN;
        }
        double d = exp10 >= 0 ? m * POW10[exp10] : m / POW10[-exp10];
        float f = (float) d;
        return negative ? -f : f;
    }

    private static String abbreviate(String t) {
        return t.length() > 20 ? t.substring(0, 20) + "..." : t;
    }

    private static void checkFinite(float[] v) throws BadVectorException {
        for (int k = 0; k < v.length; k++) {
            if (!Float.isFinite(v[k])) {
                throw new BadVectorException("NaN or infinity at position " + k);
            }
        }
    }

    private static String toText(float[] v, boolean brackets) {
        StringBuilder sb = new StringBuilder(v.length * 11 + 2);
        if (brackets) {
            sb.append('[');
        }
        for (int k = 0; k < v.length; k++) {
            if (k > 0) {
                sb.append(',');
            }
            sb.append(v[k]);
        }
        if (brackets) {
            sb.append(']');
        }
        return sb.toString();
    }
}
