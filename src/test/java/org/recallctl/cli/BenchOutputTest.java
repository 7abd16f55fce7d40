package org.recallctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.bench.Bench;
import org.recallctl.bench.BenchRow;
import org.recallctl.bench.Measurement;
import org.recallctl.bench.RecallTargets;
import org.recallctl.output.Json;

class BenchOutputTest {
    private static BenchRow row(int nprobe, int c, double recall, double qps, String error) {
        return new BenchRow("IVF_FLAT nlist=?", "IVF_FLAT", null, null, 10, "nprobe", nprobe, c, 2,
                new Measurement(100, error == null ? 0 : 1, 1.5, qps, recall, recall - 0.1, 1, 2, 3, 4, error));
    }

    @Test
    void csvCarriesExactlyTheJsonRowsColumnsAndValues(@TempDir Path dir) throws Exception {
        List<BenchRow> rows = List.of(row(4, 1, 0.91, 900, null), row(8, 2, 0.97, 700, "UNAVAILABLE: a, \"b\""));
        Path csv = dir.resolve("out.csv");
        BenchCommand.writeCsv(rows, csv);
        List<String> lines = Files.readAllLines(csv);
        JsonNode json = Json.mapper().valueToTree(rows);
        List<String> keys = new ArrayList<>();
        json.get(0).fieldNames().forEachRemaining(keys::add);
        assertThat(lines.get(0)).isEqualTo(String.join(",", keys));
        assertThat(keys).contains("nlist", "nq", "setting", "qps", "mean_recall", "p99_ms", "last_error");
        assertThat(lines).hasSize(3);
        for (int i = 0; i < rows.size(); i++) {
            List<String> cells = new ArrayList<>();
            json.get(i).elements().forEachRemaining(v -> cells.add(BenchCommand.csvField(v.isNull() ? null : v.asText())));
            assertThat(lines.get(i + 1)).isEqualTo(String.join(",", cells));
        }
        assertThat(lines.get(1)).startsWith("IVF_FLAT nlist=?,IVF_FLAT,,");            // nlist unknown: empty
        assertThat(lines.get(2)).endsWith(",\"UNAVAILABLE: a, \"\"b\"\"\"");           // quoted as RFC 4180 says
    }

    @Test
    void summaryTableShowsQpsAtEachRecallTargetPerConcurrency() {
        List<BenchRow> rows = List.of(row(4, 1, 0.91, 900, null), row(8, 1, 0.96, 600, null),
                row(4, 2, 0.91, 1500, null), row(8, 2, 0.96, 1100, null));
        List<Bench.SummaryRow> cells = RecallTargets.summarize(rows, RecallTargets.DEFAULT).stream()
                .map(c -> new Bench.SummaryRow(c.k(), c.concurrency(), c.nq(), c.target(), c.reached(),
                        c.best().map(b -> b.m().qps()).orElse(null), c.best().map(BenchRow::index).orElse(null),
                        c.best().map(BenchRow::setting).orElse(null), null, null, c.bestRecall())).toList();
        StringWriter sw = new StringWriter();
        BenchCommand.printSummary(cells, new PrintWriter(sw));
        String out = sw.toString();
        assertThat(out).contains("QPS@RECALL>=0.90").contains("QPS@RECALL>=0.95").contains("QPS@RECALL>=0.99")
                .contains("query vectors/s at nq=2");
        List<String> lines = out.lines().toList();
        assertThat(lines.get(2)).matches("10\\s+1\\s+900 \\(nprobe=4\\)\\s+600 \\(nprobe=8\\)\\s+not reached \\(best 0.960\\)\\s*");
        assertThat(lines.get(3)).matches("10\\s+2\\s+1500 \\(nprobe=4\\)\\s+1100 \\(nprobe=8\\)\\s+not reached \\(best 0.960\\)\\s*");
    }
}
