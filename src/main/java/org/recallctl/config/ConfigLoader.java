package org.recallctl.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.recallctl.error.ConfigException;

/**
 * Loads the one config: built-in defaults &lt; YAML file &lt; environment ({@code RECALLCTL_...}) &lt;
 * {@code --set key=value} &lt; command flags. Every layer is checked against {@link ConfigSchema}: unknown keys and
 * malformed values are errors naming the key and the layer.
 */
public final class ConfigLoader {
    /** RECALLCTL_ variables that are not config keys (the config path, the stack scripts' own settings). */
    private static final Set<String> NON_KEY_ENV = Set.of("RECALLCTL_CONFIG", "RECALLCTL_HOME", "RECALLCTL_PROJECT_DIR",
            "RECALLCTL_HISTORY_FILE", "RECALLCTL_CDS_DIR", "RECALLCTL_KEEP_STACK", "RECALLCTL_JAR");
    private static final List<String> NON_KEY_ENV_PREFIXES = List.of("RECALLCTL_STACK_", "RECALLCTL_IT_");

    private final ConfigSchema schema = ConfigSchema.get();
    private final Map<String, String> env;

    public ConfigLoader(Map<String, String> env) {
        this.env = env;
    }

    /**
     * @param file  the YAML file, or null for built-in defaults only
     * @param sets  {@code --set} pairs in command-line order (later wins)
     * @param flags values of command flags, keyed by config key, with the flag's name as origin
     */
    public LoadedConfig load(Path file, Map<String, String> sets, Map<String, FlagValue> flags) {
        Map<String, ConfigValue> values = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        schema.keys().values().forEach(k -> values.put(k.name(), new ConfigValue(defaultRaw(k), "default")));
        if (file != null) {
            readFile(file, values, warnings);
        }
        readEnv(values, warnings);
        sets.forEach((k, v) -> put(values, k, v, "--set " + k));
        flags.forEach((k, v) -> put(values, k, v.value(), v.flag()));
        Path baseDir = file == null ? Path.of("") : file.toAbsolutePath().getParent();
        RecallConfig config = new ConfigBinder(values, baseDir, env).bind();
        // index and search parameters against the index type: before anything is built, not after the stream
        warnings.addAll(IndexParamSchema.check(config, key -> values.containsKey(key)
                && !"default".equals(values.get(key).origin())));
        Redactor redactor = new Redactor();
        config.secrets().forEach(redactor::register);
        return new LoadedConfig(config, values, redactor, warnings, file);
    }

    /** A command flag's value and its spelling, so errors say "--partitions" rather than a key name. */
    public record FlagValue(String value, String flag) {
    }

    private static Object defaultRaw(ConfigKey k) {
        if (k.type() == ValueType.LIST) {
            return k.defaultValue().isEmpty() ? List.of() : List.of(k.defaultValue().split(","));
        }
        return k.defaultValue();
    }

    private void readFile(Path file, Map<String, ConfigValue> values, List<String> warnings) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config file not found: " + file + " (set --config or RECALLCTL_CONFIG)");
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (JacksonException e) {
            throw new ConfigException("config file " + file + " is not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""));
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new ConfigException("config file " + file + " must be a YAML mapping of sections");
        }
        flatten("", root, file.getFileName().toString(), values, warnings);
    }

    private void flatten(String prefix, JsonNode node, String origin, Map<String, ConfigValue> values,
                         List<String> warnings) {
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix + e.getKey();
            JsonNode v = e.getValue();
            boolean declared = schema.find(key).isPresent();
            if (v.isObject() && !declared) {
                flatten(key + ".", v, origin, values, warnings);
            } else if (v.isArray()) {
                List<String> items = new ArrayList<>();
                v.forEach(item -> {
                    if (!item.isValueNode()) {
                        throw new ConfigException(key + " (" + origin + "): list items must be plain values");
                    }
                    items.add(item.asText());
                });
                put(values, key, items, origin);
            } else if (v.isValueNode()) {
                String text = v.isNull() ? "" : v.asText();
                ConfigKey k = schema.find(key).orElse(null);
                if (k != null && k.secret() && !text.isEmpty()) {
                    warnings.add(key + " is set in the config file in clear text; prefer " + k.envName()
                            + " or " + key + "_file");
                }
                put(values, key, text, origin);
            } else {
                throw new ConfigException(key + " (" + origin + "): expected " + schema.find(key)
                        .map(k -> k.type().describe()).orElse("a value") + ", got a mapping");
            }
        }
    }

    private void readEnv(Map<String, ConfigValue> values, List<String> warnings) {
        env.forEach((name, value) -> {
            if (!name.startsWith(ConfigSchema.ENV_PREFIX) || NON_KEY_ENV.contains(name)
                    || NON_KEY_ENV_PREFIXES.stream().anyMatch(name::startsWith)) {
                return;
            }
            schema.keyForEnv(name).ifPresentOrElse(
                    key -> put(values, key, value, "env " + name),
                    () -> warnings.add("ignoring environment variable " + name + ": it names no config key"));
        });
    }

    private void put(Map<String, ConfigValue> values, String key, Object raw, String origin) {
        ConfigKey k = schema.find(key).orElseThrow(() -> new ConfigException(schema.unknownKeyMessage(key, origin)));
        Object value = raw;
        if (k.type() == ValueType.LIST && raw instanceof String s) {
            value = s.isBlank() ? List.of() : List.of(s.split("\\s*,\\s*"));
        } else if (k.type() != ValueType.LIST && raw instanceof List<?>) {
            throw new ConfigException(key + " (" + origin + "): expected " + k.type().describe() + ", got a list");
        }
        values.put(key, new ConfigValue(value, origin));
    }
}
