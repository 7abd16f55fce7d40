package org.recallctl.bench;

import java.util.List;
import org.recallctl.error.ConfigException;

/** Which search parameter an index type takes, and the server's limits, checked before any query is sent. */
public final class ParamRules {
    public static final int MAX_TOPK = 16384;

    private ParamRules() {
    }

    /** The search parameter name of an index type: nprobe for IVF_*, ef for HNSW*, none for FLAT; null = any. */
    public static String paramFor(String indexType) {
        String t = indexType == null ? "" : indexType.toUpperCase();
        if (t.startsWith("IVF") || t.startsWith("SCANN")) {
            return "nprobe";
        }
        if (t.startsWith("HNSW")) {
            return "ef";
        }
        if (t.equals("FLAT") || t.equals("BIN_FLAT")) {
            return "";
        }
        return null;
    }

    public static void checkParam(String indexType, String name) {
        String expected = paramFor(indexType);
        if (name == null || expected == null) {
            return;
        }
        if (expected.isEmpty()) {
            throw new ConfigException("--param " + name + ": a " + indexType + " index takes no search parameter; "
                    + "leave --param out (sweep --topk / --concurrency only)");
        }
        if (!expected.equals(name)) {
            throw new ConfigException("--param " + name + ": unknown search parameter for a " + indexType
                    + " index; use --param " + expected + "=...");
        }
    }

    public static void checkTopK(List<Integer> ks) {
        for (int k : ks) {
            if (k < 1 || k > MAX_TOPK) {
                throw new ConfigException("--topk " + k + ": must be between 1 and " + MAX_TOPK + " (Milvus limit)");
            }
        }
    }

    /** nprobe must not exceed nlist; ef must be at least K (Milvus rejects both). */
    public static void checkValues(String name, List<Integer> values, Integer nlist, List<Integer> ks) {
        checkValues(name, values, nlist, true, ks);
    }

    /** {@code nlistReported} false: nlist is the configured one, because the server does not report the index's. */
    public static void checkValues(String name, List<Integer> values, Integer nlist, boolean nlistReported,
                                   List<Integer> ks) {
        if (name == null) {
            return;
        }
        for (int v : values) {
            if (v < 1) {
                throw new ConfigException("--param " + name + "=" + v + ": must be at least 1");
            }
            if ("nprobe".equals(name) && nlist != null && v > nlist) {
                throw new ConfigException("--param nprobe=" + v + " is larger than the "
                        + (nlistReported ? "index's nlist " + nlist : "configured nlist " + nlist
                        + " (the server does not report the index's)") + "; nprobe=" + nlist
                        + " already searches every cluster");
            }
            if ("ef".equals(name) && v < ks.stream().max(Integer::compare).orElse(1)) {
                throw new ConfigException("--param ef=" + v + " is smaller than --topk "
                        + ks.stream().max(Integer::compare).orElse(1) + "; HNSW needs ef >= K");
            }
        }
    }

    /** The usual starting point for nlist: about 4·√n, n = rows per sealed segment. */
    public static int suggestedNlist(long rowsPerSegment) {
        return (int) Math.max(1, Math.round(4 * Math.sqrt(Math.max(1, rowsPerSegment))));
    }

    /**
     * Rows per segment: Milvus builds one IVF index per sealed segment, segments never span partitions and are
     * sealed at segment.maxSize (1024 MB by default), so n ≈ min(rows / partitions, 1 GiB / (4·dim bytes)).
     */
    public static long rowsPerSegment(long rows, int partitions, int dim) {
        long cap = (1024L * 1024 * 1024) / (4L * Math.max(1, dim));
        return Math.min(Math.max(1, rows / Math.max(1, partitions)), cap);
    }
}
