package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.recallctl.config.RecallConfig;
import org.recallctl.config.Redactor;
import org.recallctl.config.Secret;
import org.recallctl.output.Json;
import org.recallctl.output.Log;

class AlerterTest {
    @Test
    void bodyHasStableFields() {
        RunReport report = new RunReport("rebuild", "items", Clock.systemUTC());
        report.count("source_rows", 10L);
        var b = Alerter.body("items", "rebuild", 3, "check refused: x", report, "h1", Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(b.get("source").asText()).isEqualTo("recallctl");
        assertThat(b.get("pipeline").asText()).isEqualTo("items");
        assertThat(b.get("command").asText()).isEqualTo("rebuild");
        assertThat(b.get("outcome").asText()).isEqualTo("failed");
        assertThat(b.get("exit_code").asInt()).isEqualTo(3);
        assertThat(b.get("message").asText()).isEqualTo("check refused: x");
        assertThat(b.get("host").asText()).isEqualTo("h1");
        assertThat(b.get("at").asText()).isEqualTo("2025-01-01T00:00:00Z");
        assertThat(b.get("text").asText()).contains("FAILED (exit 3)");
        assertThat(b.get("counts").get("source_rows").asLong()).isEqualTo(10);
    }

    private static Alerter alerter(String url, boolean onSuccess, StringWriter err) {
        Secret s = url == null ? Secret.NONE : new Secret(url);
        return new Alerter(new RecallConfig.Alert(s, onSuccess, 2000),
                new Log(new PrintWriter(err, true), new Redactor(), Log.Level.NORMAL));
    }

    @Test
    void postsOnFailureAndOnSuccessOnlyWhenAsked() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
                    + "|" + ex.getRequestMethod() + "|" + ex.getRequestHeaders().getFirst("Content-Type"));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
            StringWriter err = new StringWriter();
            assertThat(alerter(url, false, err).notify("p", "rebuild", 4, "down", null)).isTrue();
            assertThat(alerter(url, false, err).notify("p", "rebuild", 0, "ok", null)).isFalse();
            assertThat(alerter(url, true, err).notify("p", "rebuild", 0, "ok", null)).isTrue();
            assertThat(bodies).hasSize(2);
            String[] first = bodies.get(0).split("\\|");
            JsonNode n = Json.mapper().readTree(first[0]);
            assertThat(n.get("exit_code").asInt()).isEqualTo(4);
            assertThat(first[1]).isEqualTo("POST");
            assertThat(first[2]).isEqualTo("application/json");
            assertThat(err.toString()).isEmpty();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void unreachableWebhookIsOnlyAWarning() {
        StringWriter err = new StringWriter();
        boolean sent = alerter("http://127.0.0.1:1/hook", false, err).notify("p", "rebuild", 3, "x", null);
        assertThat(sent).isFalse();
        assertThat(err.toString()).startsWith("warning: alert not sent");
    }

    @Test
    void disabledWithoutUrl() {
        assertThat(alerter(null, true, new StringWriter()).enabled()).isFalse();
    }
}
