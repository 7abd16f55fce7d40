package org.recallctl.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.recallctl.milvus.IndexInfo;

/**
 * The index a bench row measured, as far as it is known. The type and build parameters come from the server's
 * DescribeIndex; milvus-lite reports neither, and then they are <em>not reported</em>: the labels say
 * {@code nlist=?}, never the configured value as if it had been measured (a collection built with nlist=64 must
 * not be charted as "nlist=1024" because the config says so). The configured index is kept apart, for the record
 * and for the sweep's restore.
 */
public record BenchedIndex(String type, boolean typeReported, Map<String, String> params, boolean paramsReported,
                           String configuredType, Map<String, String> configuredParams) {

    /** {@code server}: what DescribeIndex returned; the configured index.type / index.params beside it. */
    public static BenchedIndex of(IndexInfo server, String configuredType, Map<String, String> configuredParams) {
        String t = server.type();
        boolean typeKnown = t != null && !t.isBlank() && !"null".equalsIgnoreCase(t);
        return new BenchedIndex(typeKnown ? t : configuredType, typeKnown, Map.copyOf(server.params()),
                !server.params().isEmpty(), configuredType, Map.copyOf(configuredParams));
    }

    /** An index the sweep built itself: its parameters are known because recallctl set them. */
    public static BenchedIndex built(String type, Map<String, String> params, BenchedIndex before) {
        return new BenchedIndex(type, true, Map.copyOf(params), true, before.configuredType(), before.configuredParams());
    }

    public boolean ivf() {
        return type != null && type.toUpperCase().startsWith("IVF");
    }

    /** The reported nlist, or null when the server did not report it (or the index has none). */
    public Integer nlist() {
        return paramsReported ? intParam(params, "nlist") : null;
    }

    /** index.params.nlist from the config: a guess about the built index, for validating nprobe only. */
    public Integer configuredNlist() {
        return intParam(configuredParams, "nlist");
    }

    private static Integer intParam(Map<String, String> p, String name) {
        try {
            String v = p.get(name);
            return v == null ? null : Integer.valueOf(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** "IVF_FLAT nlist=64", "IVF_FLAT nlist=?" when not reported, "HNSW" for indexes without nlist. */
    public String label() {
        Integer n = nlist();
        if (n != null) {
            return type + " nlist=" + n;
        }
        return ivf() && !paramsReported ? type + " nlist=?" : type;
    }

    /** For the header line: the reported params, or "not reported" with the configured ones for reference. */
    public String describeParams() {
        return paramsReported ? params.toString()
                : "params not reported by the server (configured: " + configuredParams + ")";
    }

    /** The index to restore after a sweep: the reported one, else the configured parameters (the best we know). */
    public IndexInfo forRestore(IndexInfo server) {
        Map<String, String> p = new LinkedHashMap<>(paramsReported ? params : configuredParams);
        return new IndexInfo(type, p, server.state(), server.indexedRows(), server.totalRows(), server.failedReason());
    }
}
