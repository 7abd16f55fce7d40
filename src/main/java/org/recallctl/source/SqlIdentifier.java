package org.recallctl.source;

import java.util.regex.Pattern;
import org.recallctl.error.ConfigException;

/** Table and column names from config are checked against a strict pattern and back-quoted, never spliced raw. */
public final class SqlIdentifier {
    private static final Pattern VALID = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,63}");

    private SqlIdentifier() {
    }

    public static String quote(String name, String what) {
        if (name == null || !VALID.matcher(name).matches()) {
            throw new ConfigException(what + ": '" + name + "' is not a valid SQL identifier "
                    + "(letters, digits, _ and $, not starting with a digit)");
        }
        return "`" + name + "`";
    }
}
