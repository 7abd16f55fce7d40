package org.recallctl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class WatchOptionTest {
    private final WatchOption.DurationConverter c = new WatchOption.DurationConverter();

    @Test
    void acceptsUnitsAndBareSeconds() {
        assertThat(c.convert("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.convert("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(c.convert("1500ms")).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.convert("45")).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.convert("24h")).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void refusesWhatIsNotAWindowNamingTheValue() {
        assertThatThrownBy(() -> c.convert("5x")).isInstanceOf(TypeConversionException.class).hasMessageContaining("'5x'")
                .hasMessageContaining("30s");
        assertThatThrownBy(() -> c.convert("-3s")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> c.convert("0s")).hasMessageContaining("zero");
        assertThatThrownBy(() -> c.convert("25h")).hasMessageContaining("24h");
        assertThatThrownBy(() -> c.convert("99999999999999999999h")).hasMessageContaining("too large");
    }
}
