package org.recallctl.pipeline;

import java.time.Instant;
import java.util.function.Consumer;
import org.recallctl.config.RecallConfig;
import org.recallctl.output.Log;
import org.recallctl.pointer.PointerEvent;
import org.recallctl.pointer.RedisPointerStore;

/**
 * Publishes a {@link PointerEvent} after key1 moved. Always after the compare-and-set, so a failure here is a
 * warning (the truth after the CAS: the move happened; a search service that polls key1 still sees it).
 */
final class PointerEvents {
    private PointerEvents() {
    }

    static void publish(RecallConfig cfg, RedisPointerStore pointers, Log log, String event, String from, String to,
                        String reason, Consumer<String> warn) {
        String channel = PointerEvent.channel(cfg);
        try {
            PointerEvent e = new PointerEvent(cfg.pipeline(), event, from, to, reason, Instant.now().toString());
            // the reason may quote a server's error message: it leaves the process, so it passes the redactor
            long receivers = pointers.publish(channel, log.redactor().redact(e.toJson().toString()));
            log.debug("published %s event on %s (%d subscribers)", event, channel, receivers);
        } catch (RuntimeException ex) {
            warn.accept("key1 now names " + to + " (" + event + "), but the event could not be published on " + channel
                    + ": " + ex.getMessage() + "; search services that poll key1 still see the change");
        }
    }
}
