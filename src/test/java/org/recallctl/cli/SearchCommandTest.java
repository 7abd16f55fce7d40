package org.recallctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;

/**
 * Usage mistakes in a search fail with exit 2 and a line naming the bad value, before any connection: every
 * endpoint here points at a closed port, so reaching one would be exit 4 instead.
 */
class SearchCommandTest {
    @TempDir
    Path dir;

    private static CliRun search(String... args) {
        List<String> all = new ArrayList<>(List.of("search", "--set", "milvus.write_uri=http://127.0.0.1:1",
                "--set", "redis.url=redis://127.0.0.1:1", "--set", "source.jdbc_url=jdbc:mysql://127.0.0.1:1/x"));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    private static void assertUsage(CliRun run, String message) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).as(run.toString()).contains("recallctl: error: " + message);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void malformedVector() {
        assertUsage(search("--vector", "[0.1, abc, 0.3]"), "--vector: malformed number 'abc' at position 1");
    }

    @Test
    void nanInVector() {
        assertUsage(search("--vector", "[0.1, NaN]"), "--vector: NaN or infinity at position 1");
    }

    @Test
    void badLineInVectorFile() throws IOException {
        Path f = Files.writeString(dir.resolve("q.txt"), "[1,2]\n[1,Infinity]\n");
        assertUsage(search("--vector-file", f.toString()), f + " line 2: NaN or infinity at position 1");
    }

    @Test
    void emptyVectorFile() throws IOException {
        Path f = Files.writeString(dir.resolve("empty.txt"), "");
        assertUsage(search("--vector-file", f.toString()), f + " holds no vectors");
    }

    @Test
    void missingVectorFile() {
        assertUsage(search("--vector-file", dir.resolve("nope.txt").toString()), "--vector-file " + dir.resolve("nope.txt") + ": no such file");
    }

    @Test
    void noQueryAtAll() {
        assertUsage(search(), "no query: give --item-id ID, --vector '[..]', --vector-file FILE or --random N");
    }

    @Test
    void topKOverMilvusLimit() {
        assertUsage(search("--vector", "[1]", "--topk", "16385"), "--topk 16385: must be between 1 and 16384");
    }

    @Test
    void jsonModeReportsTheErrorAsJson() {
        CliRun run = search("--vector", "[]", "--json");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).contains("\"exit_code\" : 2").contains("--vector: empty vector");
    }

    @Test
    void vectorsFromStdin() {
        CliRun run = Cli.runWithInput("[1,2]\n[3,x]\n", java.util.Map.of(), "search", "--vector-file", "-");
        assertUsage(run, "stdin line 2: malformed number 'x' at position 1");
    }
}
