package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.recallctl.config.RecallConfig;
import org.recallctl.config.Tolerance;

class CountCheckTest {
    private static RecallConfig.Thresholds t(long min, Long shrinkRows, Double shrinkPct, Long growthRows, Double growthPct) {
        return new RecallConfig.Thresholds(min,
                shrinkRows == null ? OptionalLong.empty() : OptionalLong.of(shrinkRows),
                shrinkPct == null ? OptionalDouble.empty() : OptionalDouble.of(shrinkPct),
                growthRows == null ? OptionalLong.empty() : OptionalLong.of(growthRows),
                growthPct == null ? OptionalDouble.empty() : OptionalDouble.of(growthPct), Tolerance.parse("0", "x"),
                Tolerance.parse("0", "x"));
    }

    private static CountCheck.Verdict eval(RecallConfig.Thresholds t, long n, Long c) {
        return CountCheck.evaluate(t, "source", n, c == null ? OptionalLong.empty() : OptionalLong.of(c));
    }

    @Test
    void minRowsIsInclusive() {
        var th = t(100, null, null, null, null);
        assertThat(eval(th, 100, null).ok()).isTrue();
        var v = eval(th, 99, null);
        assertThat(v.ok()).isFalse();
        assertThat(v.breaches()).singleElement().satisfies(b -> {
            assertThat(b.key()).isEqualTo("thresholds.min_rows");
            assertThat(b.message()).contains("99").contains("100");
        });
    }

    @Test
    void firstRunOnlyAppliesMinRows() {
        var th = t(1, 0L, 0.0, 0L, 0.0);
        assertThat(eval(th, 5, null).ok()).isTrue();
        assertThat(eval(th, 0, null).breaches()).extracting(CountCheck.Breach::key).containsExactly("thresholds.min_rows");
    }

    @Test
    void shrinkPercentBoundary() {
        var th = t(1, null, 10.0, null, null);
        assertThat(eval(th, 900, 1000L).ok()).as("exactly 10%% shrink passes").isTrue();
        var v = eval(th, 899, 1000L);
        assertThat(v.breaches()).extracting(CountCheck.Breach::key).containsExactly("thresholds.max_shrink_pct");
        assertThat(v.summary()).contains("899").contains("1000").contains("10.1%").contains("max_shrink_pct = 10");
        assertThat(eval(th, 600, 1000L).summary()).contains("40.0% below");
    }

    @Test
    void growthPercentBoundary() {
        var th = t(1, null, null, null, 50.0);
        assertThat(eval(th, 1500, 1000L).ok()).isTrue();
        assertThat(eval(th, 1501, 1000L).breaches()).extracting(CountCheck.Breach::key)
                .containsExactly("thresholds.max_growth_pct");
        assertThat(eval(th, 100, 1000L).ok()).as("growth limit ignores shrink").isTrue();
    }

    @Test
    void fractionalPercentIsExactAtTheBoundary() {
        var th = t(1, null, 0.1, null, null);
        assertThat(eval(th, 9990, 10000L).ok()).isTrue();
        assertThat(eval(th, 9989, 10000L).ok()).isFalse();
    }

    @Test
    void rowLimitsBoundary() {
        var th = t(1, 50L, null, 20L, null);
        assertThat(eval(th, 950, 1000L).ok()).isTrue();
        assertThat(eval(th, 949, 1000L).breaches()).extracting(CountCheck.Breach::key).containsExactly("thresholds.max_shrink_rows");
        assertThat(eval(th, 1020, 1000L).ok()).isTrue();
        assertThat(eval(th, 1021, 1000L).breaches()).extracting(CountCheck.Breach::key).containsExactly("thresholds.max_growth_rows");
    }

    @Test
    void offThresholdsNeverRefuse() {
        var th = t(0, null, null, null, null);
        assertThat(eval(th, 0, 1_000_000L).ok()).isTrue();
        assertThat(eval(th, 5_000_000, 1L).ok()).isTrue();
    }

    @Test
    void emptyServingSkipsPercentagesButNotRows() {
        var th = t(1, null, 10.0, 5L, 50.0);
        assertThat(eval(th, 5, 0L).ok()).isTrue();
        assertThat(eval(th, 6, 0L).breaches()).extracting(CountCheck.Breach::key).containsExactly("thresholds.max_growth_rows");
    }

    @Test
    void severalBreachesAreAllNamed() {
        var th = t(700, 100L, 10.0, null, null);
        assertThat(eval(th, 600, 1000L).breaches()).extracting(CountCheck.Breach::key)
                .containsExactly("thresholds.min_rows", "thresholds.max_shrink_rows", "thresholds.max_shrink_pct");
    }
}
