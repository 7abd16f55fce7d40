package org.recallctl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.recallctl.error.ConfigException;

class DurationTextTest {
    @Test
    void aBareNumberIsInTheOptionsOwnUnit() {
        assertThat(DurationText.parse("45", ChronoUnit.SECONDS)).isEqualTo(Duration.ofSeconds(45));
        assertThat(DurationText.parse("45", ChronoUnit.MILLIS)).isEqualTo(Duration.ofMillis(45));
        assertThat(DurationText.parse(" 2H ", ChronoUnit.MILLIS)).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void decimalsAreExact() {
        assertThat(DurationText.parse("0.5s", ChronoUnit.MILLIS)).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationText.parse("1.25ms", ChronoUnit.MILLIS)).isEqualTo(Duration.ofNanos(1_250_000));
        assertThat(DurationText.parse("1.5m", ChronoUnit.SECONDS)).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void refusesSignsUnitsItDoesNotKnowAndOverflowNamingTheValue() {
        assertThatThrownBy(() -> DurationText.parse("-3s", ChronoUnit.SECONDS)).hasMessage("'-3s' is not a duration");
        assertThatThrownBy(() -> DurationText.parse("5d", ChronoUnit.SECONDS)).hasMessage("'5d' is not a duration");
        assertThatThrownBy(() -> DurationText.parse("NaN", ChronoUnit.MILLIS)).hasMessage("'NaN' is not a duration");
        assertThatThrownBy(() -> DurationText.parse("99999999999h", ChronoUnit.SECONDS))
                .hasMessage("'99999999999h' is too large");
    }

    @Test
    void maxP99IsMillisecondsAboveZero() {
        assertThat(BenchCommand.millis("20ms")).isEqualTo(20.0);
        assertThat(BenchCommand.millis("0.5s")).isEqualTo(500.0);
        assertThat(BenchCommand.millis("20")).isEqualTo(20.0);
        assertThatThrownBy(() -> BenchCommand.millis("-5ms")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'-5ms'").hasMessageContaining("20ms");
        assertThatThrownBy(() -> BenchCommand.millis("0ms")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("zero");
    }
}
