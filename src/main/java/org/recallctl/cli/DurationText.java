package org.recallctl.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations typed on the command line, the one parser behind {@code --watch} and {@code --max-p99}: a
 * non-negative number (decimals allowed: 0.5s) with an optional unit ms, s, m or h; a bare number is in the
 * option's own unit (seconds for a watch window, milliseconds for a latency limit). Callers add their bounds and
 * the example that fits the option.
 */
final class DurationText {
    private static final Pattern P = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

    private DurationText() {
    }

    /** The duration, or IllegalArgumentException "'VALUE' is not a duration" / "'VALUE' is too large". */
    static Duration parse(String value, ChronoUnit bareUnit) {
        Matcher m = P.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a duration");
        }
        ChronoUnit unit = m.group(2) == null ? bareUnit : switch (m.group(2)) {
            case "ms" -> ChronoUnit.MILLIS;
            case "m" -> ChronoUnit.MINUTES;
            case "h" -> ChronoUnit.HOURS;
            default -> ChronoUnit.SECONDS;
        };
        BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit.getDuration().toNanos()));
        try {
            return Duration.ofNanos(nanos.setScale(0, RoundingMode.HALF_UP).longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + value + "' is too large");
        }
    }
}
