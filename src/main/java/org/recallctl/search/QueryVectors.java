package org.recallctl.search;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.recallctl.error.ConfigException;

/**
 * Query vectors typed or pasted by a person: a JSON array {@code [0.1, 0.2]} or plain comma-separated numbers.
 * Parsing is separate from the dimension check so syntax mistakes fail before any connection is opened, and
 * the dimension check (which needs the collection) names the same line and position.
 */
public final class QueryVectors {
    /** Milvus' nq limit: more query vectors than this in one request are refused by the server. */
    public static final int MAX_QUERIES = 16384;

    private QueryVectors() {
    }

    /** Parses one vector; {@code where} names its origin in error messages ("--vector", "f.txt line 3"). */
    public static float[] parse(String text, String where) {
        String s = text == null ? "" : text.strip();
        if (s.startsWith("[")) {
            if (!s.endsWith("]")) {
                throw bad(where, "malformed JSON array (no closing ']')");
            }
            s = s.substring(1, s.length() - 1).strip();
        } else if (s.endsWith("]")) {
            throw bad(where, "malformed JSON array (no opening '[')");
        }
        if (s.isEmpty()) {
            throw bad(where, "empty vector");
        }
        String[] parts = s.split(",", -1);
        float[] v = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String t = parts[i].strip();
            if (t.isEmpty()) {
                throw bad(where, "empty element at position " + i);
            }
            if (t.contains("NaN") || t.contains("nan") || t.contains("Infinity") || t.contains("inf")) {
                throw bad(where, "NaN or infinity at position " + i);
            }
            for (int k = 0; k < t.length(); k++) {
                char c = t.charAt(k);
                // Float.parseFloat would accept "1f", "0x1p3" and friends: a vector literal allows none of these
                if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) {
                    throw bad(where, "malformed number '" + abbreviate(t) + "' at position " + i);
                }
            }
            try {
                v[i] = Float.parseFloat(t);
            } catch (NumberFormatException e) {
                throw bad(where, "malformed number '" + abbreviate(t) + "' at position " + i);
            }
            if (!Float.isFinite(v[i])) {
                throw bad(where, "number out of float range at position " + i + " ('" + abbreviate(t) + "')");
            }
        }
        return v;
    }

    /**
     * One vector per line (JSON array or CSV); blank lines and lines starting with '#' are skipped.
     * {@code name} is the file name for messages.
     */
    public static List<Query> readLines(BufferedReader in, String name) {
        List<Query> out = new ArrayList<>();
        int lineNo = 0;
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                if (out.size() == MAX_QUERIES) {
                    throw new ConfigException(name + " holds more than " + MAX_QUERIES
                            + " vectors (Milvus' limit per request); split the file");
                }
                String where = name + " line " + lineNo;
                out.add(new Query(where, null, parse(t, where)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (out.isEmpty()) {
            throw new ConfigException(name + " holds no vectors (expected one JSON array or comma-separated "
                    + "vector per line)");
        }
        return out;
    }

    /** Fails with a message naming the first query whose length is not the collection's dimension. */
    public static void checkDimension(List<Query> queries, int dimension, String collection) {
        for (Query q : queries) {
            if (q.vector().length != dimension) {
                throw new ConfigException(q.label() + ": wrong dimension " + q.vector().length + " (collection "
                        + collection + " has dimension " + dimension + ")");
            }
        }
    }

    private static ConfigException bad(String where, String what) {
        return new ConfigException(where + ": " + what);
    }

    private static String abbreviate(String t) {
        return t.length() > 20 ? t.substring(0, 20) + "..." : t;
    }
}
