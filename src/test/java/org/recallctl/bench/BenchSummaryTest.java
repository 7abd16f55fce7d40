package org.recallctl.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.recallctl.milvus.IndexInfo;

/** The two rules of "tuning at a glance": QPS at recall targets, and nlist=? when the server does not say. */
class BenchSummaryTest {
    private static BenchRow row(String index, int nprobe, int c, double recall, double qps, double p99) {
        return MeasurementTest.row(index, nprobe, c, recall, qps, p99);
    }

    @Test
    void qpsAtEachRecallTargetIsTheCheapestSettingReachingItPerConcurrency() {
        List<BenchRow> rows = List.of(
                row("A", 4, 1, 0.91, 900, 2), row("A", 4, 4, 0.91, 3000, 6),
                row("A", 8, 1, 0.96, 600, 3), row("A", 8, 4, 0.94, 2400, 9),
                row("A", 16, 1, 0.985, 400, 4), row("A", 16, 4, 0.985, 1600, 12));
        List<RecallTargets.Cell> cells = RecallTargets.summarize(rows, RecallTargets.DEFAULT);
        assertThat(cells).hasSize(6); // K=10 x c in {1, 4} x 3 targets
        RecallTargets.Cell c1at90 = cells.get(0);
        assertThat(c1at90.concurrency()).isEqualTo(1);
        assertThat(c1at90.best().orElseThrow().value()).isEqualTo(4);          // 900 QPS beats 600 and 400
        assertThat(cells.get(1).best().orElseThrow().value()).isEqualTo(8);    // c=1, >= 0.95
        assertThat(cells.get(2).reached()).isFalse();                          // c=1, >= 0.99: nobody
        assertThat(cells.get(2).bestRecall()).isEqualTo(0.985);
        // at c=4 nprobe=8 only reaches 0.94 (recall can drop under load): 0.95 needs nprobe=16 there
        assertThat(cells.get(3).best().orElseThrow().m().qps()).isEqualTo(3000);
        assertThat(cells.get(4).best().orElseThrow().value()).isEqualTo(16);
    }

    @Test
    void aSettingWithErrorsNeverCounts() {
        BenchRow failing = new BenchRow("A", "IVF_FLAT", null, null, 10, "nprobe", 64, 1, 1,
                new Measurement(100, 3, 1, 5000, 1.0, 1.0, 1, 1, 1, 1, "boom"));
        var cells = RecallTargets.summarize(List.of(row("A", 4, 1, 0.91, 900, 2), failing), List.of(0.9, 0.99));
        assertThat(cells.get(0).best().orElseThrow().value()).isEqualTo(4);
        assertThat(cells.get(1).reached()).isFalse();
    }

    @Test
    void unreportedBuildParamsAreLabelledNlistUnknownNeverTheConfiguredValue() {
        // milvus-lite: DescribeIndex says IVF_FLAT but no params; the config says nlist=1024, the data was built with 64
        BenchedIndex lite = BenchedIndex.of(new IndexInfo("IVF_FLAT", Map.of(), "Finished", 0, 0, ""),
                "IVF_FLAT", Map.of("nlist", "1024"));
        assertThat(lite.label()).isEqualTo("IVF_FLAT nlist=?");
        assertThat(lite.nlist()).isNull();
        assertThat(lite.paramsReported()).isFalse();
        assertThat(lite.params()).isEmpty();
        assertThat(lite.describeParams()).contains("not reported").contains("1024");
        // the sweep's restore still needs something: the configured params, as before
        assertThat(lite.forRestore(IndexInfo.NONE).params()).containsEntry("nlist", "1024");
        // a server that reports them wins over the config
        BenchedIndex full = BenchedIndex.of(new IndexInfo("IVF_FLAT", Map.of("nlist", "64"), "Finished", 0, 0, ""),
                "IVF_FLAT", Map.of("nlist", "1024"));
        assertThat(full.label()).isEqualTo("IVF_FLAT nlist=64");
        assertThat(full.nlist()).isEqualTo(64);
        // an index the sweep built itself is known; indexes without nlist carry none
        assertThat(BenchedIndex.built("IVF_FLAT", Map.of("nlist", "8"), lite).label()).isEqualTo("IVF_FLAT nlist=8");
        assertThat(BenchedIndex.of(new IndexInfo("HNSW", Map.of(), "Finished", 0, 0, ""), "HNSW", Map.of("M", "16"))
                .label()).isEqualTo("HNSW");
    }
}
