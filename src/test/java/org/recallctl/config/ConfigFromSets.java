package org.recallctl.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** The defaults plus {@code --set}-style pairs, no file and no environment: the config tests' one loader. */
final class ConfigFromSets {
    private ConfigFromSets() {
    }

    /** {@code key, value, key, value, ...} */
    static RecallConfig load(String... pairs) {
        Map<String, String> sets = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            sets.put(pairs[i], pairs[i + 1]);
        }
        return new ConfigLoader(Map.of()).load(null, sets, Map.of()).config();
    }
}
