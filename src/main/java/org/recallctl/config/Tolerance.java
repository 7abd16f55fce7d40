package org.recallctl.config;

import org.recallctl.error.ConfigException;

/** A limit given as a row count ("100") or a share of all rows ("0.1%"). */
public record Tolerance(long count, double percent, boolean isPercent) {
    public static Tolerance parse(String text, String key) {
        String t = text.trim();
        try {
            if (t.endsWith("%")) {
                double p = Double.parseDouble(t.substring(0, t.length() - 1).trim());
                if (p < 0 || p > 100 || Double.isNaN(p)) {
                    throw new NumberFormatException();
                }
                return new Tolerance(0, p, true);
            }
            long c = Long.parseLong(t);
            if (c < 0) {
                throw new NumberFormatException();
            }
            return new Tolerance(c, 0, false);
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + text + "' is neither a row count (e.g. 100) nor a percentage (e.g. 0.1%)");
        }
    }

    /** The largest number of rows allowed out of {@code total}. */
    public long limitFor(long total) {
        return isPercent ? (long) Math.floor(total * percent / 100.0) : count;
    }

    @Override
    public String toString() {
        return isPercent ? percent + "%" : Long.toString(count);
    }
}
