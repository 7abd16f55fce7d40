package org.recallctl.pipeline;

import java.util.List;
import java.util.Map;

/** Everything {@code status} shows, in a shape that prints as a table or as stable JSON (snake_case). */
public record StatusReport(String pipeline, Map<String, String> keys, Pointer pointer, Alias alias,
                           List<Collection> collections, Source source, List<Endpoint> endpoints,
                           List<String> problems, com.fasterxml.jackson.databind.JsonNode lastRun) {

    public record Pointer(String current, String building, List<String> history, Lock lock) {
    }

    public record Lock(String holder, String host, long pid, String startedAt, long ttlMs) {
    }

    public record Alias(String name, String target) {
    }

    public record Collection(String name, String role, boolean exists, Long rows, Integer partitions,
                             String indexType, Map<String, String> indexParams, String indexState,
                             String loadState, Long loadProgress) {
    }

    public record Source(String table, Long rows) {
    }

    public record Endpoint(String name, String target, boolean ok, String detail) {
    }

    public boolean anyUnreachable() {
        return endpoints.stream().anyMatch(e -> !e.ok());
    }
}
