package org.recallctl.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.recallctl.error.ConfigException;

/**
 * The parameters each index type takes ({@code index.params.*} when building, {@code search.params.*} when
 * searching), with their type and range as Milvus documents them. The loader checks the config against it, so a
 * wrong value fails in milliseconds (exit 2) instead of at {@code createIndex} after the whole table streamed, and
 * a name the index type does not know earns a warning (the bench's checks of its sweep values stay in
 * {@code bench.ParamRules}).
 */
public final class IndexParamSchema {
    /** One parameter: integer or real, inclusive range. */
    public record Param(String name, boolean integer, double min, double max) {
        String describe() {
            String kind = integer ? "an integer" : "a number";
            if (min == -Double.MAX_VALUE) {
                return kind;
            }
            return kind + (max >= Integer.MAX_VALUE ? " of at least " + fmt(min) : " in " + fmt(min) + ".." + fmt(max));
        }
    }

    private static final Param NLIST = new Param("nlist", true, 1, 65536);
    private static final Param NPROBE = new Param("nprobe", true, 1, 65536);
    /** Range search works on every index type. */
    private static final List<Param> RANGE = List.of(new Param("radius", false, -Double.MAX_VALUE, Double.MAX_VALUE),
            new Param("range_filter", false, -Double.MAX_VALUE, Double.MAX_VALUE));

    private static final Map<String, List<Param>> BUILD = Map.of(
            "IVF_FLAT", List.of(NLIST),
            "IVF_SQ8", List.of(NLIST),
            "IVF_PQ", List.of(NLIST, new Param("m", true, 1, 65536), new Param("nbits", true, 1, 16)),
            "HNSW", List.of(new Param("M", true, 2, 2048), new Param("efConstruction", true, 1, Integer.MAX_VALUE)),
            "FLAT", List.of(),
            "AUTOINDEX", List.of());

    private static final Map<String, List<Param>> SEARCH = Map.of(
            "IVF_FLAT", List.of(NPROBE),
            "IVF_SQ8", List.of(NPROBE),
            "IVF_PQ", List.of(NPROBE),
            "HNSW", List.of(new Param("ef", true, 1, Integer.MAX_VALUE)),
            "FLAT", List.of(),
            "AUTOINDEX", List.of(new Param("level", true, 1, 10)));

    private IndexParamSchema() {
    }

    /** The build parameters of {@code indexType}, or null when the type is not in the table. */
    public static List<Param> buildParams(String indexType) {
        return BUILD.get(upper(indexType));
    }

    /** The search parameters of {@code indexType} (range search's too), or null when the type is not in the table. */
    public static List<Param> searchParams(String indexType) {
        List<Param> own = SEARCH.get(upper(indexType));
        if (own == null) {
            return null;
        }
        List<Param> all = new ArrayList<>(own);
        all.addAll(RANGE);
        return all;
    }

    /**
     * Checks the configured index and search parameters. Refuses (ConfigException, exit 2) a value of the wrong
     * type or out of range, and combinations Milvus refuses (IVF_PQ's m not dividing the dimension, HNSW's ef below
     * search.topk); returns warnings for names the index type does not take and for values that cannot help.
     *
     * @param explicit whether a key was set by the operator (a default that does not apply is no news)
     */
    public static List<String> check(RecallConfig cfg, java.util.function.Predicate<String> explicit) {
        String type = cfg.index().type();
        List<String> warnings = new ArrayList<>();
        Map<String, Number> build = checkAll("index.params.", "an index", type, buildParams(type), cfg.index().params(),
                explicit, warnings);
        Map<String, Number> search = checkAll("search.params.", "a search", type, searchParams(type), cfg.search().params(),
                explicit, warnings);
        Number m = build.get("m");
        if (m != null && cfg.source().dimension() % m.intValue() != 0) {
            throw new ConfigException("index.params.m=" + m + ": IVF_PQ needs m to divide source.dimension "
                    + cfg.source().dimension() + "; pick a divisor such as " + divisorNear(cfg.source().dimension(), m.intValue()));
        }
        Number ef = search.get("ef");
        if (ef != null && ef.intValue() < cfg.search().topk()) {
            throw new ConfigException("search.params.ef=" + ef + " is smaller than search.topk=" + cfg.search().topk()
                    + "; HNSW needs ef >= K: raise search.params.ef or lower search.topk");
        }
        Number nlist = build.get("nlist");
        Number nprobe = search.get("nprobe");
        if (nlist != null && nprobe != null && nprobe.intValue() > nlist.intValue()
                && (explicit.test("search.params.nprobe") || explicit.test("index.params.nlist"))) {
            warnings.add("search.params.nprobe=" + nprobe + " is larger than index.params.nlist=" + nlist
                    + ": nprobe=" + nlist + " already searches every cluster");
        }
        return warnings;
    }

    private static Map<String, Number> checkAll(String prefix, String what, String type, List<Param> known,
                                                Map<String, String> given, java.util.function.Predicate<String> explicit,
                                                List<String> warnings) {
        Map<String, Number> typed = new java.util.LinkedHashMap<>();
        if (known == null) {
            return typed; // an index type this table does not describe: Milvus decides
        }
        given.forEach((name, raw) -> {
            Param p = known.stream().filter(k -> k.name().equals(name)).findFirst().orElse(null);
            if (p == null) {
                Param near = known.stream().filter(k -> k.name().equalsIgnoreCase(name)
                        || ConfigSchema.distance(k.name().toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT)) <= 2)
                        .findFirst().orElse(null);
                if (explicit.test(prefix + name)) {
                    warnings.add(prefix + name + " is not " + what + " parameter of " + type + " (it takes "
                            + (known.isEmpty() ? "none" : String.join(", ", known.stream().map(Param::name).toList())) + ")"
                            + (near != null ? "; did you mean " + prefix + near.name() + "?" : "")
                            + "; it is passed to Milvus as is");
                }
                return;
            }
            typed.put(name, parse(prefix + name, raw, p));
        });
        return typed;
    }

    private static Number parse(String key, String raw, Param p) {
        double v;
        try {
            v = Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key + "='" + raw + "': expected " + p.describe());
        }
        if (Double.isNaN(v) || (p.integer() && v != Math.rint(v)) || v < p.min() || v > p.max()) {
            throw new ConfigException(key + "=" + raw + ": expected " + p.describe());
        }
        return p.integer() ? (Number) (long) v : (Number) v;
    }

    private static int divisorNear(int dim, int m) {
        for (int d = Math.min(m, dim); d >= 1; d--) {
            if (dim % d == 0) {
                return d;
            }
        }
        return 1;
    }

    private static String upper(String s) {
        return s == null ? "" : s.toUpperCase(Locale.ROOT);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
