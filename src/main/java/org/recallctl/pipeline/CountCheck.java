package org.recallctl.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import org.recallctl.config.RecallConfig;

/**
 * The count thresholds (DESIGN §5 rule 1 and issue 4 step 1) as a pure decision: a candidate row count against
 * {@code thresholds.min_rows} and, when something serves, the maximum shrink and growth as rows and as %.
 * A limit is inclusive: shrinking by exactly {@code max_shrink_pct} passes, one row more is refused.
 * With no serving collection (first run) or an empty one, only min_rows and the row limits apply: a percentage
 * of zero rows means nothing.
 */
public final class CountCheck {
    private CountCheck() {
    }

    /** One breached threshold: the key and a sentence naming both numbers. */
    public record Breach(String key, String message) {
    }

    /** The verdict; {@code breaches} empty means the count may go on. */
    public record Verdict(long candidate, Long serving, List<Breach> breaches) {
        public boolean ok() {
            return breaches.isEmpty();
        }

        public String summary() {
            if (ok()) {
                return "within thresholds";
            }
            return String.join("; ", breaches.stream().map(Breach::message).toList());
        }
    }

    /**
     * @param what      how to call the candidate in messages, e.g. "source" or "built collection x"
     * @param candidate the new row count (S before the build, N after it)
     * @param serving   the serving collection's row count C, empty on the first run
     */
    public static Verdict evaluate(RecallConfig.Thresholds t, String what, long candidate, OptionalLong serving) {
        List<Breach> out = new ArrayList<>();
        if (candidate < t.minRows()) {
            out.add(new Breach("thresholds.min_rows", what + " has " + candidate + " rows, below thresholds.min_rows = "
                    + t.minRows()));
        }
        if (serving.isPresent()) {
            long c = serving.getAsLong();
            long shrink = c - candidate;
            long growth = candidate - c;
            if (t.maxShrinkRows().isPresent() && shrink > t.maxShrinkRows().getAsLong()) {
                out.add(new Breach("thresholds.max_shrink_rows", what + " has " + candidate + " rows, " + shrink
                        + " below the serving " + c + " (thresholds.max_shrink_rows = " + t.maxShrinkRows().getAsLong() + ")"));
            }
            if (t.maxGrowthRows().isPresent() && growth > t.maxGrowthRows().getAsLong()) {
                out.add(new Breach("thresholds.max_growth_rows", what + " has " + candidate + " rows, " + growth
                        + " above the serving " + c + " (thresholds.max_growth_rows = " + t.maxGrowthRows().getAsLong() + ")"));
            }
            if (c > 0) {
                double pct = 100.0 * Math.abs(candidate - c) / c;
                if (t.maxShrinkPct().isPresent() && shrink > 0 && exceeds(shrink, c, t.maxShrinkPct().getAsDouble())) {
                    out.add(new Breach("thresholds.max_shrink_pct", what + " has " + candidate + " rows, " + pct(pct)
                            + " below the serving " + c + " (thresholds.max_shrink_pct = " + num(t.maxShrinkPct().getAsDouble()) + ")"));
                }
                if (t.maxGrowthPct().isPresent() && growth > 0 && exceeds(growth, c, t.maxGrowthPct().getAsDouble())) {
                    out.add(new Breach("thresholds.max_growth_pct", what + " has " + candidate + " rows, " + pct(pct)
                            + " above the serving " + c + " (thresholds.max_growth_pct = " + num(t.maxGrowthPct().getAsDouble()) + ")"));
                }
            }
        }
        return new Verdict(candidate, serving.isPresent() ? serving.getAsLong() : null, List.copyOf(out));
    }

    /** {@code delta/base > pct%}, compared in integers where possible so 10% of 1000 is exactly 100 rows. */
    static boolean exceeds(long delta, long base, double pct) {
        // delta * 100 > pct * base, with a tiny epsilon against binary fractions such as 0.1
        return delta * 100.0 > pct * base + 1e-9 * Math.max(1, base);
    }

    private static String pct(double p) {
        return String.format(Locale.ROOT, "%.1f%%", p);
    }

    private static String num(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
