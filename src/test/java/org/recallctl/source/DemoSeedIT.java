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
            Cli.run("demo", "seed", "--config", conf.toString(), "--items", "200", "--dim", "16", "--seed", "9");
            List<float[]> again = read(cfg);
            for (int i = 0; i < first.size(); i++) {
                assertThat(again.get(i)).as(encoding + " row " + i + " reproducible").containsExactly(first.get(i));
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
