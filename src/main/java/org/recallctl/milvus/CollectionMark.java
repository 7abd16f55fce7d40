package org.recallctl.milvus;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which pipeline created a collection, and when: written as collection properties at creation, because both
 * servers we run on persist and return properties (milvus-lite 3.2 drops the collection description, checked).
 * Retention and the alias repair act only on collections carrying this pipeline's mark (safety rule 6), never on
 * a name pattern alone: two pipelines may share a base name.
 */
public record CollectionMark(String pipeline, Instant createdAt) {
    public static final String PIPELINE = "recallctl.pipeline";
    public static final String CREATED_AT = "recallctl.created_at";

    public Map<String, String> properties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(PIPELINE, pipeline);
        p.put(CREATED_AT, createdAt.toString());
        return p;
    }

    /** The mark among a collection's properties, if it has one. */
    public static Optional<CollectionMark> from(Map<String, String> properties) {
        if (properties == null || properties.get(PIPELINE) == null || properties.get(PIPELINE).isBlank()) {
            return Optional.empty();
        }
        Instant created = Instant.EPOCH;
        try {
            String at = properties.get(CREATED_AT);
            if (at != null) {
                created = Instant.parse(at);
            }
        } catch (DateTimeParseException ignored) {
            // an unreadable time is as old as can be: it never blocks retention
        }
        return Optional.of(new CollectionMark(properties.get(PIPELINE), created));
    }

    public boolean isOf(String pipelineName) {
        return pipeline.equals(pipelineName);
    }
}
