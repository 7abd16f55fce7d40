package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WarmupWindowsTest {
    @Test
    void settlesWhenTwoWindowsP99AreWithinThePercentage() {
        WarmupWindows w = new WarmupWindows(10, 10);
        for (int i = 0; i < 10; i++) {
            w.record(50_000); // cold: 50 ms
        }
        assertThat(w.settled()).isFalse();
        for (int i = 0; i < 10; i++) {
            w.record(10_000);
        }
        assertThat(w.settled()).as("50 ms -> 10 ms is not settled").isFalse();
        for (int i = 0; i < 9; i++) {
            assertThat(w.record(10_500)).isFalse();
        }
        assertThat(w.record(10_500)).isTrue();
        assertThat(w.settled()).as("10 -> 10.5 ms is within 10%").isTrue();
        assertThat(w.cold().p99Ms()).isBetween(49.0, 51.0);
        assertThat(w.warm().p99Ms()).isBetween(10.4, 10.6);
        assertThat(w.queries()).isEqualTo(30);
        assertThat(w.completeWindows()).isEqualTo(3);
    }

    @Test
    void boundaryOfTheSettlePercentage() {
        assertThat(WarmupWindows.within(100, 110, 10)).isTrue();
        assertThat(WarmupWindows.within(100, 111, 10)).isFalse();
        assertThat(WarmupWindows.within(100, 90, 10)).isTrue();
        assertThat(WarmupWindows.within(100, 89, 10)).isFalse();
    }

    @Test
    void noCompleteWindowReportsWhatRan() {
        WarmupWindows w = new WarmupWindows(100, 10);
        w.record(2000);
        assertThat(w.cold().queries()).isEqualTo(1);
        assertThat(w.warm().p50Ms()).isBetween(1.9, 2.1);
    }
}
