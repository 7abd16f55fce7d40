package org.recallctl.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.recallctl.testing.ManualClock;

class LineProgressTest {
    @Test
    void formatsCountPercentRateAndEta() {
        assertThat(LineProgress.line("build", "rows", 120_000, 200_000, 3_000, false))
                .isEqualTo("build: 120000/200000 rows (60%), 40000 rows/s, ETA 2 s");
        assertThat(LineProgress.line("warmup", "queries", 50, 0, 1_000, false))
                .isEqualTo("warmup: 50 queries, 50 queries/s");
        assertThat(LineProgress.line("build", "rows", 10, 10, 2_000, true))
                .isEqualTo("build: 10/10 rows (100%), 5 rows/s, done in 2.0 s");
    }

    @Test
    void printsAtMostOncePerIntervalAndOnceAtClose() {
        AtomicLong now = new AtomicLong(0);
        ManualClock clock = new ManualClock(0, 0);
        StringWriter out = new StringWriter();
        ProgressTask t = new LineProgress(new PrintWriter(out), 5_000, clock).start("build", 100);
        for (int i = 0; i < 100; i++) {
            clock.set(now.addAndGet(100)); // 10 s in all: two interval lines
            t.step(1);
        }
        t.close();
        t.close();
        String[] lines = out.toString().split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).startsWith("build: 50/100 rows (50%)");
        assertThat(lines[2]).startsWith("build: 100/100 rows (100%)").contains("done in 10.0 s");
        assertThat(Progress.forStderr(new PrintWriter(out), false, true).start("x", 1)).isSameAs(ProgressTask.NONE);
    }
}
