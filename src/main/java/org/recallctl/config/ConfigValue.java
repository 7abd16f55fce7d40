package org.recallctl.config;

import java.util.List;

/** One key's effective raw value (a String or a List of Strings) and the layer it came from. */
public record ConfigValue(Object raw, String origin) {
    public String text() {
        if (raw instanceof List<?> l) {
            return String.join(",", l.stream().map(String::valueOf).toList());
        }
        return String.valueOf(raw);
    }
}
