package org.recallctl.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** conf/recallctl.yaml is the configuration reference: it must list every key, each with a comment. */
class ShippedConfigTest {
    private static final Path CONF = Path.of("conf/recallctl.yaml");
    /** Keys the shipped file sets away from the default on purpose, for the local stack. */
    private static final List<String> LOCAL_STACK_VALUES = List.of("source.password_file", "collection.scalar_fields");

    @Test
    void documentsEveryKeyWithItsDefault() throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(CONF.toFile());
        for (Map.Entry<String, ConfigKey> e : ConfigSchema.get().keys().entrySet()) {
            String[] parts = e.getKey().split("\\.");
            JsonNode node = root;
            for (String p : parts) {
                node = node.path(p);
            }
            assertThat(node.isMissingNode()).as("conf/recallctl.yaml lists " + e.getKey()).isFalse();
            if (!LOCAL_STACK_VALUES.contains(e.getKey()) && !node.isArray()) {
                assertThat(node.asText()).as("default of " + e.getKey()).isEqualTo(e.getValue().defaultValue());
            }
        }
    }

    @Test
    void everyKeyLineHasACommentAbove() throws IOException {
        List<String> lines = Files.readAllLines(CONF);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            boolean keyLine = l.matches("^ {2}[a-z_]+:.*\\S.*") || l.matches("^ {2}[a-z_]+:\\s*$");
            if (keyLine && !lines.get(i - 1).trim().startsWith("#") && !lines.get(i - 1).matches("^ {4}\\S.*")) {
                throw new AssertionError("conf/recallctl.yaml line " + (i + 1) + " has no comment: " + l);
            }
        }
    }

    /**
     * The shipped file names the local stack's secret (.stack/secrets/mysql-password), which exists only once
     * bin/stack has run: the copy loaded here names a secret file of its own, so the check does not depend on
     * which stack started first.
     */
    @Test
    void loadsCleanly(@TempDir Path dir) throws IOException {
        Path secret = Files.writeString(dir.resolve("mysql-password"), "x");
        String text = Files.readString(CONF);
        String withSecret = text.replaceFirst("(?m)^(  password_file: ).*$", "$1\"" + secret + "\"");
        assertThat(withSecret).as("conf/recallctl.yaml sets source.password_file").isNotEqualTo(text);
        Path conf = Files.writeString(dir.resolve("recallctl.yaml"), withSecret);
        LoadedConfig c = new ConfigLoader(Map.of()).load(conf, Map.of(), Map.of());
        assertThat(c.config().collection().scalarFields()).hasSize(2);
        assertThat(c.warnings()).isEmpty();
    }
}
