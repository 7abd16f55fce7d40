package org.recallctl.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.recallctl.config.Metric;

class MeasurementTest {
    @Test
    void aggregatesWorkersIntoQpsRecallAndHistogramPercentiles() {
        WorkerStats a = new WorkerStats();
        WorkerStats b = new WorkerStats();
        // 100 queries: worker a 60 at 1..60 ms, worker b 40 at 61..100 ms; recall 1.0 except 2 queries at 0.0/0.5
        for (int i = 1; i <= 100; i++) {
            double recall = i == 7 ? 0.0 : i == 80 ? 0.5 : 1.0;
            (i <= 60 ? a : b).record(i * 1_000_000L, recall);
        }
        b.error("boom");
        Measurement m = Measurement.aggregate(List.of(a, b), 2_000_000_000L);
        assertThat(m.queries()).isEqualTo(100);
        assertThat(m.errors()).isEqualTo(1);
        assertThat(m.qps()).isEqualTo(50.0);                       // 100 completed / 2 s wall, not 1/latency
        assertThat(m.meanRecall()).isCloseTo(98.5 / 100, within(1e-12));
        assertThat(m.worst1pctRecall()).isEqualTo(0.0);            // worst 1% of 100 = the single 0.0 query
        assertThat(m.p50Ms()).isCloseTo(50, within(0.1));          // HdrHistogram, 3 significant digits
        assertThat(m.p95Ms()).isCloseTo(95, within(0.1));
        assertThat(m.p99Ms()).isCloseTo(99, within(0.1));
        assertThat(m.maxMs()).isCloseTo(100, within(0.1));
    }

    @Test
    void worstOnePercentAveragesTheLowestPercentWhenThereAreMany() {
        WorkerStats w = new WorkerStats();
        for (int i = 0; i < 300; i++) {
            w.record(1000, i < 3 ? 0.2 * i : 1.0);                 // 3 worst = 0.0, 0.2, 0.4
        }
        Measurement m = Measurement.aggregate(List.of(w), 1_000_000_000L);
        assertThat(m.worst1pctRecall()).isCloseTo(0.2, within(1e-9));
    }

    @Test
    void loadRunnerCountsOnlyMeasuredQueriesAcrossConcurrentWorkers() {
        float[][] queries = {{1f}, {2f}, {3f}};
        ExactTopK.Result truth = new ExactTopK.Result(new long[][] {{1, 2}, {1, 2}, {1, 2}},
                new float[][] {{1, 0.5f}, {1, 0.5f}, {1, 0.5f}}, 2, 0, 0);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        SearchTarget half = (v, k, p) -> {
            calls.incrementAndGet();
            return List.of(new SearchTarget.Hits(new long[] {1, 9}, new float[] {1f, 0.1f}));
        };
        Measurement m = new LoadRunner(half, queries, truth, Metric.IP).run(2, Map.of(), 4, 10, 50, 0);
        assertThat(m.queries()).isEqualTo(50);
        assertThat(calls.get()).isEqualTo(60);                      // 10 warm-up queries not counted
        assertThat(m.meanRecall()).isEqualTo(0.5);
    }

    @Test
    void loadRunnerSendsNqVectorsPerRequestAndScoresEachVector() {
        float[][] queries = {{1f}, {2f}, {3f}};
        // query 0 and 2 are found (recall 1), query 1 is not (0): recall depends on which vector is which
        ExactTopK.Result truth = new ExactTopK.Result(new long[][] {{10}, {20}, {30}},
                new float[][] {{1f}, {1f}, {1f}}, 1, 0, 0);
        List<Integer> sizes = java.util.Collections.synchronizedList(new ArrayList<>());
        SearchTarget echo = (vs, k, p) -> {
            sizes.add(vs.size());
            return vs.stream().map(v -> v[0] == 2f ? new SearchTarget.Hits(new long[] {99}, new float[] {0.5f})
                    : new SearchTarget.Hits(new long[] {(long) (v[0] * 10)}, new float[] {1f})).toList();
        };
        Measurement m = new LoadRunner(echo, queries, truth, Metric.IP).run(1, Map.of(), 1, 4, 0, 30, 0);
        assertThat(m.queries()).isEqualTo(30);                     // query vectors, not requests
        assertThat(sizes).containsExactly(4, 4, 4, 4, 4, 4, 4, 2);  // the last request is short
        assertThat(m.meanRecall()).isCloseTo(20 / 30.0, within(1e-12));
    }

    @Test
    void recallCountsTiesAtTheKthScore() {
        long[] exact = {1, 2, 3};
        float[] exactScores = {0.9f, 0.8f, 0.7f};
        assertThat(Recall.of(new long[] {1, 2, 4}, new float[] {0.9f, 0.8f, 0.7f}, exact, exactScores, 3, Metric.IP))
                .isEqualTo(1.0);
        assertThat(Recall.of(new long[] {1, 2, 4}, new float[] {0.9f, 0.8f, 0.6f}, exact, exactScores, 3, Metric.IP))
                .isCloseTo(2 / 3.0, within(1e-12));
    }

    /** A measured row at K=10 with the given recall, QPS and p99 (shared with BenchSummaryTest). */
    static BenchRow row(String index, int nprobe, int c, double recall, double qps, double p99) {
        return new BenchRow(index, "IVF_FLAT", 32, null, 10, "nprobe", nprobe, c, 1,
                new Measurement(100, 0, 1, qps, recall, recall, p99 / 2, p99, p99, p99, null));
    }

    @Test
    void recommendsTheCheapestSettingMeetingTheTargetAtEveryConcurrency() {
        List<BenchRow> rows = List.of(
                row("A", 4, 1, 0.90, 900, 2), row("A", 4, 8, 0.90, 3000, 6),
                row("A", 8, 1, 0.96, 600, 3), row("A", 8, 8, 0.95, 2400, 9),
                row("A", 16, 1, 0.99, 400, 4), row("A", 16, 8, 0.99, 1600, 12));
        var pick = Recommender.pick(rows, 10, 0.95, null).orElseThrow();
        assertThat(pick.atPeak().value()).isEqualTo(8);
        assertThat(pick.configLines()).contains("search.params.nprobe: 8").contains("index.params.nlist: 32");
        assertThat(Recommender.pick(rows, 10, 0.95, 8.0)).isEmpty();
        assertThat(Recommender.pick(rows, 10, 0.99, null).orElseThrow().atPeak().value()).isEqualTo(16);
    }

    @Test
    void chartHasOneCurvePerSettingPlusTheParetoFrontAndIsWritten(@TempDir Path dir) throws Exception {
        List<BenchRow> rows = new ArrayList<>();
        for (int nl : new int[] {16, 64}) {
            for (int np : new int[] {1, 4, 16}) {
                rows.add(new BenchRow("IVF_FLAT nlist=" + nl, "IVF_FLAT", nl, 1.0, 10, "nprobe", np, 1, 1,
                        new Measurement(50, 0, 1, 1000.0 / np / (nl / 16.0), Math.min(1, 0.5 + np / 32.0), 0.4,
                                np, np, np * 1.5, np * 2, null)));
            }
        }
        List<XYChart> charts = BenchChart.build(rows, "t");
        assertThat(charts).hasSize(2);
        for (XYChart c : charts) {
            assertThat(c.getSeriesMap().keySet()).containsExactly("IVF_FLAT nlist=16 K=10 c=1",
                    "IVF_FLAT nlist=64 K=10 c=1", BenchChart.PARETO);
            assertThat(c.getSeriesMap().get("IVF_FLAT nlist=16 K=10 c=1").getXData()).hasSize(3);
        }
        // every point carries its setting: one label per measured point and panel
        assertThat(BenchChart.labels(rows, r -> r.m().qps())).hasSize(6);
        assertThat(rows.get(1).pointLabel()).isEqualTo("nprobe=4 c=1");
        Path png = BenchChart.write(charts, dir.resolve("chart.png"));
        assertThat(png).exists();
        assertThat(Files.size(png)).isGreaterThan(10_000);
    }
}
