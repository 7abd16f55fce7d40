package org.recallctl.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.recallctl.error.ConfigException;
import org.recallctl.output.Json;

/**
 * The query vectors of one bench run and where they came from. Saved beside the results ({@code queries.json})
 * and loadable with {@code --query-file}, so a run can be repeated exactly; {@link #fingerprint()} keys the
 * ground-truth cache.
 *
 * @param origin    "sampled" or the file it was read from
 * @param sourceIds the source item each query was sampled from (empty for a query file)
 */
public record QuerySet(String origin, long seed, double noise, int dimension, List<Long> sourceIds,
                       List<float[]> vectors) {

    public int size() {
        return vectors.size();
    }

    public float[][] array() {
        return vectors.toArray(new float[0][]);
    }

    /** SHA-256 over the exact float bits of every query, in order. */
    public String fingerprint() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(4 * Math.max(1, dimension)).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] v : vectors) {
                buf.clear();
                for (float f : v) {
                    buf.putFloat(f);
                }
                md.update(buf.array(), 0, buf.position());
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public void save(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        var node = Json.object().put("origin", origin).put("seed", seed).put("noise", noise)
                .put("dimension", dimension).put("fingerprint", fingerprint());
        var ids = node.putArray("source_ids");
        sourceIds.forEach(ids::add);
        var vs = node.putArray("vectors");
        for (float[] v : vectors) {
            var a = vs.addArray();
            for (float f : v) {
                a.add(f);
            }
        }
        Files.writeString(file, Json.mapper().writer().without(
                com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(node));
    }

    /**
     * Reads a saved query set (a JSON object with "vectors") or a plain file with one vector per line, as a JSON
     * array or comma-separated floats. Every vector must have {@code dimension} finite components.
     */
    public static QuerySet load(Path file, int dimension) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("--query-file " + file + ": cannot read it (" + e.getMessage() + ")");
        }
        List<float[]> vectors = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        long seed = 0;
        double noise = 0;
        try {
            if (text.stripLeading().startsWith("{")) {
                JsonNode n = Json.mapper().readTree(text);
                for (JsonNode v : n.path("vectors")) {
                    vectors.add(parse(v, file, vectors.size() + 1, dimension));
                }
                n.path("source_ids").forEach(x -> ids.add(x.asLong()));
                seed = n.path("seed").asLong();
                noise = n.path("noise").asDouble();
            } else {
                int line = 0;
                for (String l : text.split("\\R")) {
                    line++;
                    String t = l.strip();
                    if (t.isEmpty() || t.startsWith("#")) {
                        continue;
                    }
                    JsonNode v = Json.mapper().readTree(t.startsWith("[") ? t : "[" + t + "]");
                    vectors.add(parse(v, file, line, dimension));
                }
            }
        } catch (IOException e) {
            throw new ConfigException("--query-file " + file + ": not a query set or vector list (" + e.getMessage()
                    .lines().findFirst().orElse("") + ")");
        }
        if (vectors.isEmpty()) {
            throw new ConfigException("--query-file " + file + " holds no vectors");
        }
        return new QuerySet(file.toString(), seed, noise, dimension, ids.size() == vectors.size() ? ids : List.of(),
                vectors);
    }

    private static float[] parse(JsonNode arr, Path file, int at, int dimension) {
        if (!arr.isArray() || arr.size() != dimension) {
            throw new ConfigException("--query-file " + file + ": vector " + at + " has " + arr.size()
                    + " components, the collection has dimension " + dimension);
        }
        float[] v = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            double d = arr.get(i).asDouble(Double.NaN);
            if (!Double.isFinite(d)) {
                throw new ConfigException("--query-file " + file + ": vector " + at + " component " + i
                        + " is not a finite number");
            }
            v[i] = (float) d;
        }
        return v;
    }
}
