package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.recallctl.config.Redactor;
import org.recallctl.error.DependencyException;
import org.recallctl.output.Log;

/** A journal that cannot be written is a warning, never a failure of the run it records (issue 12 §5). */
class RunJournalTest {
    @Test
    void aFailedJournalWriteIsOnlyAWarning() {
        StringWriter err = new StringWriter();
        Log log = new Log(new PrintWriter(err, true), new Redactor(), Log.Level.NORMAL);
        RunJournal journal = new RunJournal(() -> {
            throw new DependencyException("redis", "Redis unreachable at redis://127.0.0.1:1");
        }, log, null);
        RunReport report = new RunReport("rebuild", "items", Clock.systemUTC());
        report.finish(0, "ok");
        journal.finished(report); // must not throw
        assertThat(err.toString()).contains("run journal not written").contains("Redis unreachable");
    }

    @Test
    void anEntryCarriesWhoWhenAndHowItEnded() {
        RunReport report = new RunReport("switch --to items_2", "items", Clock.systemUTC());
        report.count("written", 5);
        report.pointer("serving_after", "items_2");
        report.warn("alias not moved");
        report.ok(report.begin("switch"));
        report.finish(6, "key1 moved under us");
        var e = RunJournal.entry(report, null);
        assertThat(e.path("command").asText()).isEqualTo("switch --to items_2");
        assertThat(e.path("exit_code").asInt()).isEqualTo(6);
        assertThat(e.path("outcome").asText()).isEqualTo("failed");
        assertThat(e.path("error").asText()).isEqualTo("key1 moved under us");
        assertThat(e.at("/collections/serving_after").asText()).isEqualTo("items_2");
        assertThat(e.at("/warnings/0").asText()).isEqualTo("alias not moved");
        assertThat(e.at("/steps/0/name").asText()).isEqualTo("switch");
        assertThat(e.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(RunJournal.oneLine(e)).contains("switch --to items_2: failed (exit 6").contains("key1 moved under us");
    }
}
