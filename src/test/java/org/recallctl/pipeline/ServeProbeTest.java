package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.recallctl.output.Json;
import org.recallctl.pointer.PointerEvent;

class ServeProbeTest {
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
