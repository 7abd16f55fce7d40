package org.recallctl.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.recallctl.config.RecallConfig;
import org.recallctl.config.ScalarField;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.source.BadVectorException;
import org.recallctl.source.ItemSource;
import org.recallctl.source.SourceRow;

/**
 * The content spot-check of the gate (issue 12 §2): rows sampled from the source are read back from the new
 * collection (vector and scalar fields) and compared with the source rows after the build's own validation and
 * normalisation ({@link RowValidator}), to float tolerance. Counts cannot see a row whose vector was written
 * wrong (a codec or byte-order bug, a scrambled import file): this can. A sampled row the collection lacks is
 * left to the count reconciliation of check_built (it was rejected, or inserted after the build read the table);
 * a row the collection holds although the build must reject it is a mismatch.
 */
public final class SpotCheck {
    /** Relative tolerance per float: the build sends float32 and Milvus returns what it stored. */
    static final double TOLERANCE = 1e-6;
    /** Mismatches named in a refusal; the report lists every one. */
    static final int NAMED = 10;

    public record Mismatch(long id, String what) {
        public String describe() {
            return "item " + id + ": " + what;
        }
    }

    /**
     * @param sampled  ids drawn from the source
     * @param compared rows present in both and compared field by field
     * @param absent   sampled rows the collection does not hold (left to the count reconciliation)
     */
    public record Result(int sampled, int compared, int absent, long seed, List<Mismatch> mismatches) {
        public boolean ok() {
            return mismatches.isEmpty();
        }

        public String problem() {
            List<String> named = mismatches.stream().limit(NAMED).map(Mismatch::describe).toList();
            return "spot-check: " + mismatches.size() + " of " + compared + " rows read back differ from the source ("
                    + String.join("; ", named) + (mismatches.size() > NAMED ? "; ..." : "") + ")";
        }

        public List<Long> mismatchedIds() {
            return mismatches.stream().map(Mismatch::id).toList();
        }
    }

    private final RecallConfig cfg;
    private final ItemSource source;
    private final MilvusGateway milvus;

    public SpotCheck(RecallConfig cfg, ItemSource source, MilvusGateway milvus) {
        this.cfg = cfg;
        this.source = source;
        this.milvus = milvus;
    }

    /** Seed of the sample for one collection: fixed per generation (a rerun checks the same rows), new per generation. */
    public static long seedFor(RecallConfig cfg, String collection) {
        return cfg.gate().seed() * 31 + collection.hashCode();
    }

    public Result run(String collection, int n, long seed) {
        List<Long> ids = source.sampleIds(n, seed);
        List<SourceRow> rows = source.rows(ids);
        List<String> fields = new ArrayList<>();
        fields.add(cfg.collection().vectorField());
        cfg.collection().scalarFields().forEach(f -> fields.add(f.name()));
        Map<Long, Map<String, Object>> stored = milvus.rowsById(collection, cfg.collection().idField(),
                rows.stream().map(SourceRow::id).toList(), fields);
        RowValidator validator = new RowValidator(cfg);
        List<Mismatch> mismatches = new ArrayList<>();
        int compared = 0;
        int absent = 0;
        for (SourceRow row : rows) {
            Map<String, Object> got = stored.get(row.id());
            ValidRow expected;
            try {
                expected = validator.validate(row);
            } catch (BadVectorException e) {
                if (got != null) {
                    compared++;
                    mismatches.add(new Mismatch(row.id(), "in the collection, but the build must reject the source row ("
                            + e.getMessage() + ")"));
                }
                continue;
            }
            if (got == null) {
                absent++;
                continue;
            }
            compared++;
            compare(expected, got, cfg).ifPresent(w -> mismatches.add(new Mismatch(row.id(), w)));
        }
        return new Result(ids.size(), compared, absent, seed, List.copyOf(mismatches));
    }

    /** The first difference between what the build would write for a row and what the collection returned. */
    static java.util.Optional<String> compare(ValidRow expected, Map<String, Object> got, RecallConfig cfg) {
        String vf = cfg.collection().vectorField();
        Object v = got.get(vf);
        if (!(v instanceof List<?> list)) {
            return java.util.Optional.of(vf + " missing from the stored row");
        }
        float[] want = expected.vector();
        if (list.size() != want.length) {
            return java.util.Optional.of(vf + " has " + list.size() + " components, the source " + want.length);
        }
        int worst = -1;
        double worstDiff = 0;
        int differing = 0;
        for (int i = 0; i < want.length; i++) {
            double have = ((Number) list.get(i)).doubleValue();
            double diff = Math.abs(have - want[i]);
            if (diff > TOLERANCE * Math.max(1.0, Math.abs(want[i])) || Double.isNaN(have)) {
                differing++;
                if (worst < 0 || diff > worstDiff) {
                    worst = i;
                    worstDiff = diff;
                }
            }
        }
        if (differing > 0) {
            return java.util.Optional.of(String.format(Locale.ROOT, "%s differs from the source in %d of %d components "
                    + "(largest at [%d]: source %.6g, collection %.6g)", vf, differing, want.length, worst, want[worst],
                    ((Number) list.get(worst)).doubleValue()));
        }
        List<ScalarField> scalars = cfg.collection().scalarFields();
        for (int k = 0; k < scalars.size(); k++) {
            ScalarField f = scalars.get(k);
            Object want1 = expected.scalars()[k];
            Object have = got.get(f.name());
            if (!sameScalar(f, want1, have)) {
                return java.util.Optional.of(f.name() + " is " + render(have) + " in the collection, " + render(want1)
                        + " in the source");
            }
        }
        return java.util.Optional.empty();
    }

    private static boolean sameScalar(ScalarField f, Object want, Object have) {
        if (want == null || have == null) {
            return want == have;
        }
        return switch (f.kind()) {
            case VARCHAR -> want.toString().equals(have.toString());
            case BOOL -> want.equals(have instanceof Boolean ? have : Boolean.valueOf(have.toString()));
            case FLOAT, DOUBLE -> have instanceof Number n && Math.abs(n.doubleValue() - ((Number) want).doubleValue())
                    <= TOLERANCE * Math.max(1.0, Math.abs(((Number) want).doubleValue()));
            default -> have instanceof Number n && n.longValue() == ((Number) want).longValue();
        };
    }

    private static String render(Object o) {
        return o instanceof String s ? "'" + s + "'" : String.valueOf(o);
    }
}
