package org.recallctl.config;

import java.util.List;

/**
 * One documented configuration key. {@code choices} is empty when any value of the type is accepted.
 * {@code secret} keys are never printed; their values are registered with the {@link Redactor}.
 */
public record ConfigKey(String name, ValueType type, String defaultValue, String doc, List<String> choices,
                        boolean secret) {

    public String envName() {
        return ConfigSchema.ENV_PREFIX + name.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
    }
}
