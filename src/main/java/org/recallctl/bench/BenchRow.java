package org.recallctl.bench;

/**
 * One line of the report: an index setting (label, type, nlist, build seconds when rebuilt), K, the search
 * parameter value, the concurrency, and what was measured.
 */
public record BenchRow(String index, String indexType, Integer nlist, Double buildSeconds, int k, String param,
                       Integer value, int concurrency, Measurement m) {

    /** The curve this point belongs to in the chart: one per index setting, K and concurrency. */
    public String curve() {
        return index + " K=" + k + " c=" + concurrency;
    }

    public String setting() {
        return param == null ? "-" : param + "=" + value;
    }
}
