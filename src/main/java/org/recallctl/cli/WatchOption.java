package org.recallctl.cli;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.ConfigException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --watch DURATION} of {@code rebuild} and {@code switch}: after the switch, keep running the serve probe
 * (every probe.watch_interval_ms) for this long; a breach reverts the switch (exit 3). The run holds the lock
 * meanwhile, so nothing else switches during the window.
 */
public class WatchOption {
    /** The longest window: the run holds the pipeline lock all along. */
    static final Duration MAX = Duration.ofHours(24);

    @Option(names = "--watch", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "After the switch keep probing the new collection for DURATION (e.g. 30s, 5m, 1h, 1500ms; "
                    + "a bare number is seconds); a breach inside the window reverts the switch (exit 3).")
    Duration watch;

    /** The window (zero without --watch); refuses a watch the config turned off. */
    public Duration window(RecallConfig cfg) {
        if (watch == null) {
            return Duration.ZERO;
        }
        if (!cfg.probe().enabled()) {
            throw new ConfigException("--watch " + DurationConverter.format(watch) + " needs the serve probe, but "
                    + "probe.queries is 0; set probe.queries to 1 or more, or drop --watch");
        }
        return watch;
    }

    /** 90s, 5m, 1h, 1500ms, or a bare number of seconds ({@link DurationText}), at most {@link #MAX}. */
    public static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d;
            try {
                d = DurationText.parse(value, ChronoUnit.SECONDS);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage() + (e.getMessage().endsWith("too large")
                        ? "; at most 24h" : "; use e.g. 30s, 5m, 1h or 1500ms"));
            }
            if (d.isZero()) {
                throw new TypeConversionException("'" + value + "' is zero; give a window such as 30s, or drop --watch");
            }
            if (d.compareTo(MAX) > 0) {
                throw new TypeConversionException("'" + value + "' is longer than 24h (the run holds the lock all "
                        + "along); use at most 24h");
            }
            return d;
        }

        static String format(Duration d) {
            long ms = d.toMillis();
            return ms % 1000 != 0 ? ms + "ms" : ms / 1000 + "s";
        }
    }
}
