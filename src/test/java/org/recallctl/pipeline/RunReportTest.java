package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.output.Json;
import org.recallctl.testing.ManualClock;

class RunReportTest {
    /** A clock that advances 1.5 s per reading, so durations are predictable. */
    private static Clock ticking() {
        return new ManualClock(1_700_000_000_000L, 1500);
    }

    @Test
    void shapeOfAFailedRun(@TempDir Path dir) throws Exception {
        RunReport r = new RunReport("rebuild", "items", ticking());
        var check = r.begin("check").put("source_rows", 1000L);
        r.ok(check);
        r.count("source_rows", 1000L);
        r.pointer("serving_before", "items_a");
        r.decide("key2 set to items_b");
        r.rejectedSample(List.of(new BuildResult.RejectedRow(17, "nan_or_inf")));
        r.begin("build");
        r.finish(4, "Milvus unreachable at http://x");
        Path file = dir.resolve("sub/report.json");
        r.write(file, org.recallctl.config.Redactor.none());
        JsonNode n = Json.mapper().readTree(Files.readString(file));
        assertThat(n.get("format_version").asInt()).isEqualTo(1);
        assertThat(n.get("command").asText()).isEqualTo("rebuild");
        assertThat(n.get("outcome").asText()).isEqualTo("failed");
        assertThat(n.get("exit_code").asInt()).isEqualTo(4);
        assertThat(n.get("error").asText()).contains("Milvus unreachable");
        assertThat(n.get("counts").get("source_rows").asLong()).isEqualTo(1000);
        assertThat(n.get("pointers").get("serving_before").asText()).isEqualTo("items_a");
        assertThat(n.get("steps")).hasSize(2);
        JsonNode s0 = n.get("steps").get(0);
        assertThat(s0.get("name").asText()).isEqualTo("check");
        assertThat(s0.get("status").asText()).isEqualTo("ok");
        assertThat(s0.get("duration_s").asDouble()).isEqualTo(1.5);
        assertThat(s0.get("details").get("source_rows").asLong()).isEqualTo(1000);
        assertThat(n.get("steps").get(1).get("status").asText()).isEqualTo("failed");
        assertThat(n.get("steps").get(1).get("error").asText()).contains("Milvus unreachable");
        assertThat(n.get("decisions").get(0).asText()).isEqualTo("key2 set to items_b");
        assertThat(n.get("rejected_sample").get(0).get("id").asLong()).isEqualTo(17);
        assertThat(n.get("rejected_sample").get(0).get("reason").asText()).isEqualTo("nan_or_inf");
        assertThat(n.get("started_at").asText()).isNotBlank();
        assertThat(n.get("ended_at").asText()).isNotBlank();
    }

    @Test
    void firstFinishWinsAndInterruptIsNamed() {
        RunReport r = new RunReport("rebuild", "items", ticking());
        r.begin("build");
        r.finish(130, "interrupted");
        r.finish(0, "late success must not overwrite");
        var n = r.toJson();
        assertThat(n.get("outcome").asText()).isEqualTo("interrupted");
        assertThat(n.get("steps").get(0).get("status").asText()).isEqualTo("interrupted");
    }
}
