package org.recallctl.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.recallctl.error.ConfigException;

/** A scalar column copied from the source table into a Milvus field of the same name. */
public record ScalarField(String name, Kind kind, int maxLength) {
    public enum Kind { INT64, INT32, INT16, INT8, BOOL, FLOAT, DOUBLE, VARCHAR }

    private static final Pattern SPEC = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*:\\s*([a-z0-9]+)(?:\\((\\d+)\\))?");

    /** Parses "name:type", e.g. "category:int64" or "brand:varchar(64)". */
    public static ScalarField parse(String spec, String key) {
        Matcher m = SPEC.matcher(spec.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ConfigException(key + ": '" + spec + "' is not name:type (e.g. category:int64, brand:varchar(64))");
        }
        Kind kind;
        try {
            kind = Kind.valueOf(m.group(2).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ": unknown type '" + m.group(2) + "' in '" + spec
                    + "'; use int64, int32, int16, int8, bool, float, double or varchar(N)");
        }
        int max = 0;
        if (kind == Kind.VARCHAR) {
            if (m.group(3) == null) {
                throw new ConfigException(key + ": varchar needs a maximum length, e.g. " + m.group(1) + ":varchar(64)");
            }
            max = Integer.parseInt(m.group(3));
            if (max < 1 || max > 65535) {
                throw new ConfigException(key + ": varchar length must be 1..65535 in '" + spec + "'");
            }
        }
        // keep the name as written: it is both the SQL column and the Milvus field
        String name = spec.trim().substring(0, spec.trim().indexOf(':')).trim();
        return new ScalarField(name, kind, max);
    }
}
