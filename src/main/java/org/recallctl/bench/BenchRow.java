package org.recallctl.bench;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of the report: an index setting (label, type, nlist when known, build seconds when rebuilt), K, the
 * search parameter value, the concurrency, the query vectors per request, and what was measured.
 */
public record BenchRow(String index, String indexType, Integer nlist, Double buildSeconds, int k, String param,
                       Integer value, int concurrency, int nq, Measurement m) {

    /** The curve this point belongs to in the chart: one per index setting, K and concurrency. */
    public String curve() {
        return index + " K=" + k + " c=" + concurrency;
    }

    public String setting() {
        return param == null ? "-" : param + "=" + value;
    }

    /** The point's label in the chart: its setting and concurrency, e.g. "nprobe=8 c=4". */
    public String pointLabel() {
        return (param == null ? "" : setting() + " ") + "c=" + concurrency + (nq > 1 ? " nq=" + nq : "");
    }

    /**
     * The row as one flat record: the JSON rows (results.json, --json) and the CSV columns are both this map, so
     * they always carry the same fields in the same order. nlist is null (empty in CSV) when not reported.
     */
    @JsonValue
    public Map<String, Object> columns() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("index", index);
        c.put("index_type", indexType);
        c.put("nlist", nlist);
        c.put("build_seconds", buildSeconds);
        c.put("k", k);
        c.put("param", param);
        c.put("value", value);
        c.put("setting", setting());
        c.put("concurrency", concurrency);
        c.put("nq", nq);
        c.put("queries", m.queries());
        c.put("errors", m.errors());
        c.put("wall_seconds", m.wallSeconds());
        c.put("qps", m.qps());
        c.put("mean_recall", m.meanRecall());
        c.put("worst1pct_recall", m.worst1pctRecall());
        c.put("p50_ms", m.p50Ms());
        c.put("p95_ms", m.p95Ms());
        c.put("p99_ms", m.p99Ms());
        c.put("max_ms", m.maxMs());
        c.put("last_error", m.lastError());
        return c;
    }
}
