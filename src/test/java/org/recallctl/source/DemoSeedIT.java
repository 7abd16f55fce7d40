package org.recallctl.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.RecallConfig;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.TestStack;

@Tag("integration")
class DemoSeedIT {
    private final TestStack stack = TestStack.get();
    @TempDir
    Path dir;

    @Test
    void seedsReproducibleNormalisedVectorsInEachEncoding() throws Exception {
        for (String encoding : List.of("json", "f32le", "csv", "base64")) {
            String name = TestStack.unique("demo");
            Path conf = stack.writeConfigFile(dir, name, Map.of("source.encoding", encoding));
            CliRun r = Cli.run("demo", "seed", "--config", conf.toString(), "--items", "200", "--dim", "16",
                    "--seed", "9", "--json");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).contains("\"rows\" : 200");
            RecallConfig cfg = stack.load(name, Map.of("source.encoding", encoding, "source.dimension", "16")).config();
            List<float[]> first = read(cfg);
            assertThat(first).hasSize(200);
            CliRun reseed = Cli.run("demo", "seed", "--config", conf.toString(), "--items", "200", "--dim", "16",
                    "--seed", "9", "--replace");
            assertThat(reseed.exitCode()).as(reseed.toString()).isZero();
            List<float[]> again = read(cfg);
            for (int i = 0; i < first.size(); i++) {
                assertThat(again.get(i)).as(encoding + " row " + i + " reproducible").containsExactly(first.get(i));
            }
        }
    }

    /**
     * Issue 10 §5: with a production config (a table demo seed did not make) demo seed refuses, with or without
     * --replace/--append, naming the table, and every row survives; on its own table it refuses to overwrite
     * by default and --replace works. Fails when demo seed drops by default or --replace ignores the mark.
     */
    @Test
    void neverDestroysATableItDidNotCreate() throws Exception {
        String name = TestStack.unique("catalogue");
        Path conf = stack.writeConfigFile(dir, name, Map.of());
        RecallConfig cfg = stack.load(name, Map.of()).config();
        try (MysqlItemSource s = MysqlItemSource.open(cfg, 1); java.sql.Connection c = s.connection();
             java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE TABLE `" + name + "` (item_id BIGINT PRIMARY KEY, vector MEDIUMTEXT, category INT, "
                    + "brand VARCHAR(64)) COMMENT='the real catalogue'");
            st.execute("INSERT INTO `" + name + "` VALUES (1, '[1,0]', 1, 'b'), (2, '[0,1]', 2, 'b')");
        }
        try {
            for (String[] extra : List.of(new String[0], new String[] {"--replace"}, new String[] {"--append"})) {
                List<String> args = new ArrayList<>(List.of("demo", "seed", "--config", conf.toString(), "--items", "50"));
                args.addAll(List.of(extra));
                CliRun r = Cli.run(args.toArray(String[]::new));
                assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r).isEqualTo(3);
                assertThat(r.err()).contains("'" + name + "'");
                try (MysqlItemSource s = MysqlItemSource.open(cfg, 1)) {
                    assertThat(s.count()).as("the catalogue survives " + List.of(extra)).isEqualTo(2);
                }
            }
            try (MysqlItemSource s = MysqlItemSource.open(cfg, 1); java.sql.Connection c = s.connection();
                 java.sql.Statement st = c.createStatement()) {
                st.execute("DROP TABLE `" + name + "`");
            }
            CliRun created = Cli.run("demo", "seed", "--config", conf.toString(), "--items", "50");
            assertThat(created.exitCode()).as(created.toString()).isZero();
            CliRun twice = Cli.run("demo", "seed", "--config", conf.toString(), "--items", "50");
            assertThat(twice.exitCode()).as(twice.toString()).isEqualTo(3);
            assertThat(twice.err()).contains("already exists").contains("--replace");
            CliRun replaced = Cli.run("demo", "seed", "--config", conf.toString(), "--items", "70", "--replace");
            assertThat(replaced.exitCode()).as(replaced.toString()).isZero();
            try (MysqlItemSource s = MysqlItemSource.open(cfg, 1)) {
                assertThat(s.count()).isEqualTo(70);
            }
        } finally {
            try (MysqlItemSource s = MysqlItemSource.open(cfg, 1); java.sql.Connection c = s.connection();
                 java.sql.Statement st = c.createStatement()) {
                st.execute("DROP TABLE IF EXISTS `" + name + "`");
            }
        }
    }

    private static List<float[]> read(RecallConfig cfg) {
        VectorCodec codec = new VectorCodec(cfg.source().encoding(), cfg.source().dimension());
        List<float[]> out = new ArrayList<>();
        try (MysqlItemSource s = MysqlItemSource.open(cfg, 1)) {
            s.stream(new KeyRange(Long.MIN_VALUE, Long.MAX_VALUE), row -> {
                try {
                    float[] v = codec.decode(row.rawVector());
                    double n = 0;
                    for (float x : v) {
                        n += x * x;
                    }
                    assertThat(n).isBetween(0.9999, 1.0001);
                    out.add(v);
                } catch (BadVectorException e) {
                    throw new AssertionError(e.getMessage());
                }
            });
        }
        return out;
    }
}
