package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.ConfigLoader;
import org.recallctl.config.Redactor;
import org.recallctl.output.Log;
import org.recallctl.session.Connections;
import org.recallctl.testing.ManualClock;

/** Issue 14 §3: the textfile after successful and failed runs of several commands and pipelines. */
class MetricsObserverTest {
    private static final long T0 = 1_780_000_000_000L; // 2026-05-28

    @TempDir
    Path dir;

    private final StringWriter logged = new StringWriter();
    private final Log log = new Log(new PrintWriter(logged, true), new Redactor(), Log.Level.NORMAL);

    private static RunReport rebuild(ManualClock clock, String pipeline, int exit) {
        RunReport r = new RunReport("rebuild", pipeline, clock);
        r.pointer("serving_before", pipeline + "_1");
        RunReport.Step check = r.begin("check");
        clock.set(clock.millis() + 2_000);
        r.ok(check);
        RunReport.Step build = r.begin("build");
        r.count("built_source_rows", 1000L);
        r.count("written", 990L);
        r.count("rejected", 10L);
        clock.set(clock.millis() + 30_000);
        if (exit == 0) {
            r.ok(build);
            r.pointer("serving_after", pipeline + "_2");
            r.finish(0, "switched");
        } else {
            r.finish(exit, "Milvus unreachable at http://m:19530 (insert): no answer within 2.0 s; is it up?");
        }
        return r;
    }

    private String metrics(Path file) throws Exception {
        return Files.readString(file);
    }

    @Test
    void aRunWritesItsTimesOutcomeStepsRowsAndTheServingCollection() throws Exception {
        Path file = dir.resolve("textfile/recallctl.prom");
        ManualClock clock = new ManualClock(T0, 0);
        new MetricsObserver(file, log).finished(rebuild(clock, "items", 0));
        String text = metrics(file);
        String l = "{command=\"rebuild\",pipeline=\"items\"}";
        assertThat(text).contains("# TYPE recallctl_last_run_end_timestamp_seconds gauge")
                .contains("recallctl_last_run_start_timestamp_seconds" + l + " 1.78E9")
                .contains("recallctl_last_run_end_timestamp_seconds" + l + " 1.780000032E9")
                .contains("recallctl_last_run_duration_seconds" + l + " 32.0")
                .contains("recallctl_last_run_exit_code" + l + " 0.0")
                .contains("recallctl_last_run_success" + l + " 1.0")
                .contains("recallctl_last_success_timestamp_seconds" + l + " 1.780000032E9")
                .contains("recallctl_last_run_step_duration_seconds{command=\"rebuild\",pipeline=\"items\",step=\"build\"} 30.0")
                .contains("recallctl_last_run_rows{command=\"rebuild\",kind=\"read\",pipeline=\"items\"} 1000.0")
                .contains("recallctl_last_run_rows{command=\"rebuild\",kind=\"rejected\",pipeline=\"items\"} 10.0")
                .contains("recallctl_serving_collection_info{collection=\"items_2\",pipeline=\"items\"} 1");
        try (var files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temp file left behind")
                    .containsExactlyInAnyOrder("recallctl.prom", "recallctl.prom.json", "recallctl.prom.lock");
        }
        assertThat(logged.toString()).isEmpty();
    }

    /** Issue 14 §3 "the gate's recall": a refused rebuild shows its recall, overlap and mismatches; a skip shows. */
    @Test
    void theGateRecallOverlapMismatchesAndASkipAreGauges() throws Exception {
        Path file = dir.resolve("recallctl.prom");
        ManualClock clock = new ManualClock(T0, 0);
        RunReport refused = new RunReport("rebuild", "items", clock);
        RunReport.Step gate = refused.begin("gate");
        refused.count("gate_recall", 0.612);
        refused.count("gate_worst1pct_recall", 0.1);
        refused.count("gate_min_recall", 0.9);
        refused.count("gate_overlap", 0.58);
        refused.count("gate_spot_checked", 100);
        refused.count("gate_spot_mismatches", 3);
        refused.count("gate_skipped", false);
        refused.fail(gate, 3, "recall gate refused");
        refused.finish(3, "recall gate refused items_2, nothing switched");
        new MetricsObserver(file, log).finished(refused);
        RunReport skipped = new RunReport("rebuild", "other", clock);
        RunReport.Step s = skipped.begin("gate");
        skipped.skip(s);
        skipped.ok(s);
        skipped.count("gate_skipped", true);
        skipped.finish(0, "switched");
        new MetricsObserver(file, log).finished(skipped);
        String text = metrics(file);
        String l = "{command=\"rebuild\",pipeline=\"items\"}";
        assertThat(text).contains("recallctl_last_run_gate_recall" + l + " 0.612")
                .contains("recallctl_last_run_gate_worst1pct_recall" + l + " 0.1")
                .contains("recallctl_last_run_gate_min_recall" + l + " 0.9")
                .contains("recallctl_last_run_gate_overlap" + l + " 0.58")
                .contains("recallctl_last_run_gate_spot_check_mismatches" + l + " 3.0")
                .contains("recallctl_last_run_gate_skipped" + l + " 0.0")
                .contains("recallctl_last_run_exit_code" + l + " 3.0")
                .contains("recallctl_last_run_gate_skipped{command=\"rebuild\",pipeline=\"other\"} 1.0")
                .doesNotContain("recallctl_last_run_gate_recall{command=\"rebuild\",pipeline=\"other\"}");
        assertThat(skipped.toJson().at("/steps/0/status").asText()).isEqualTo("skipped");
    }

    @Test
    void aFailedRunKeepsTheLastSuccessAndOtherCommandsAndPipelinesStay() throws Exception {
        Path file = dir.resolve("recallctl.prom");
        ManualClock clock = new ManualClock(T0, 0);
        MetricsObserver metrics = new MetricsObserver(file, log);
        metrics.finished(rebuild(clock, "items", 0));
        metrics.finished(rebuild(clock, "offers", 0));
        RunReport sw = new RunReport("switch --to items_1", "items", clock);
        sw.finish(0, "ok");
        metrics.finished(sw);
        clock.set(T0 + 86_400_000L);
        metrics.finished(rebuild(clock, "items", 4));
        RunReport dry = new RunReport("rebuild", "items", clock);
        dry.dryRun(true);
        dry.finish(3, "dry run: a real run would refuse");
        metrics.finished(dry);
        String text = metrics(file);
        String items = "{command=\"rebuild\",pipeline=\"items\"}";
        assertThat(text).contains("recallctl_last_run_exit_code" + items + " 4.0")
                .contains("recallctl_last_run_success" + items + " 0.0")
                .as("the last good rebuild, a day earlier").contains("recallctl_last_success_timestamp_seconds" + items + " 1.780000032E9")
                .contains("recallctl_last_run_success{command=\"rebuild\",pipeline=\"offers\"} 1.0")
                .contains("recallctl_last_run_success{command=\"switch\",pipeline=\"items\"} 1.0")
                .contains("recallctl_last_run_exit_code{command=\"rebuild --dry-run\",pipeline=\"items\"} 3.0")
                .doesNotContain("recallctl_last_success_timestamp_seconds{command=\"rebuild --dry-run\"")
                .contains("recallctl_serving_collection_info{collection=\"offers_2\",pipeline=\"offers\"} 1");
        assertThat(text.lines().filter(x -> x.startsWith("recallctl_serving_collection_info{") && x.contains("\"items\"")))
                .as("one serving collection per pipeline: the failed run saw items_1 serve").containsExactly(
                        "recallctl_serving_collection_info{collection=\"items_1\",pipeline=\"items\"} 1");
    }

    @Test
    void anUnwritableTextfileIsAWarningNotAFailure() throws Exception {
        Path notADir = Files.writeString(dir.resolve("plain-file"), "x");
        new MetricsObserver(notADir.resolve("recallctl.prom"), log).finished(rebuild(new ManualClock(T0, 0), "items", 0));
        assertThat(logged.toString()).startsWith("warning: could not write the metrics file");
    }

    @Test
    void theRunnerAddsTheObserverOnlyWhenTheKeyIsSet() {
        var off = new ConfigLoader(Map.of()).load(null, Map.of(), Map.of()).config();
        var on = new ConfigLoader(Map.of()).load(null, Map.of("metrics.textfile", dir.resolve("m.prom").toString()),
                Map.of()).config();
        List<RunObserver> none = new OperationRunner(off, log, Connections.perCommand(), new ManualClock(T0, 0)).observers(null);
        List<RunObserver> some = new OperationRunner(on, log, Connections.perCommand(), new ManualClock(T0, 0)).observers(null);
        assertThat(none).noneMatch(o -> o instanceof MetricsObserver);
        assertThat(some).anyMatch(o -> o instanceof MetricsObserver);
    }
}
