package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.recallctl.output.Json;
import org.recallctl.pointer.PointerEvent;

class ServeProbeTest {
    @Test
    void p99IsTheNearestRankOfTheSortedLatencies() {
        assertThat(ServeProbe.percentile(new double[] {}, 0.99)).isZero();
        assertThat(ServeProbe.percentile(new double[] {7}, 0.99)).isEqualTo(7);
        double[] twenty = new double[20];
        for (int i = 0; i < 20; i++) {
            twenty[i] = i + 1;
        }
        assertThat(ServeProbe.percentile(twenty, 0.99)).isEqualTo(20); // with 20 queries p99 is the slowest one
        assertThat(ServeProbe.percentile(twenty, 0.50)).isEqualTo(10);
        double[] hundred = new double[200];
        for (int i = 0; i < 200; i++) {
            hundred[i] = i + 1;
        }
        assertThat(ServeProbe.percentile(hundred, 0.99)).isEqualTo(198);
    }

    @Test
    void theEventIsSmallFlatJsonWithAnUnsetFromAsNull() throws Exception {
        JsonNode n = Json.mapper().readTree(new PointerEvent("items", PointerEvent.SWITCH, null, "items_2", "rebuild",
                "2026-12-02T08:00:00Z").toJson().toString());
        assertThat(n.get("pipeline").asText()).isEqualTo("items");
        assertThat(n.get("event").asText()).isEqualTo("switch");
        assertThat(n.get("from").isNull()).isTrue();
        assertThat(n.get("to").asText()).isEqualTo("items_2");
        assertThat(n.get("reason").asText()).isEqualTo("rebuild");
        assertThat(n.get("time").asText()).isEqualTo("2026-12-02T08:00:00Z");
        assertThat(n.size()).isEqualTo(6);
    }
}
