package org.recallctl.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The result of loading: the typed config that flows down to every step, the effective raw values with their
 * origins (for {@code config show}), the redactor knowing every secret, and warnings for stderr.
 */
public record LoadedConfig(RecallConfig config, Map<String, ConfigValue> effective, Redactor redactor,
                           List<String> warnings, Path file) {
}
