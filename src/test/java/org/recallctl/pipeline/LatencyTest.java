package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencyTest {
    private static Latency ofMillis(int n) {
        Histogram h = Latency.newHistogram();
        for (int i = 1; i <= n; i++) {
            Latency.record(h, i * 1000L);
        }
        return Latency.of(h);
    }

    @Test
    void p99IsTheNearestRankSoWithTwentyQueriesItIsTheSlowest() {
        Latency twenty = ofMillis(20);
        assertThat(twenty.queries()).isEqualTo(20);
        // 3 significant digits: a value reads back as the top of its bucket, at most 0.1 % above it
        assertThat(twenty.p99Ms()).isCloseTo(20.0, within(0.03));
        assertThat(twenty.p50Ms()).isCloseTo(10.0, within(0.02));
        assertThat(twenty.maxMs()).isCloseTo(20.0, within(0.03));
        assertThat(ofMillis(200).p99Ms()).isCloseTo(198.0, within(0.2));
    }

    @Test
    void nothingRecordedIsZerosAndOutOfRangeValuesAreClamped() {
        assertThat(Latency.of(Latency.newHistogram())).isEqualTo(new Latency(0, 0, 0, 0));
        Histogram h = Latency.newHistogram();
        Latency.record(h, 0);
        Latency.record(h, Long.MAX_VALUE);
        assertThat(h.getTotalCount()).isEqualTo(2);
        assertThat(Latency.of(h).maxMs()).isGreaterThanOrEqualTo(3_600_000.0);
    }
}
