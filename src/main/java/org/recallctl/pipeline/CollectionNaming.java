package org.recallctl.pipeline;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.recallctl.config.RecallConfig;

/**
 * Names of the pipeline's collections: {@code <base>_a}/{@code <base>_b} (alternate, the seed's A/B) or
 * {@code <base>_<yyyyMMddHHmmss>} (timestamp, which never reuses the rollback collection).
 */
public final class CollectionNaming {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
    private final String base;
    private final RecallConfig.Naming naming;
    private final Pattern generation;

    public CollectionNaming(RecallConfig.Collection cfg) {
        this.base = cfg.baseName();
        this.naming = cfg.naming();
        this.generation = Pattern.compile(Pattern.quote(base) + "_(a|b|\\d{14})");
    }

    public boolean isGeneration(String name) {
        return generation.matcher(name).matches();
    }

    /** The pipeline's collections among {@code all}, newest first (timestamps sort; A/B by name). */
    public List<String> generations(List<String> all) {
        return all.stream().filter(this::isGeneration).sorted(Comparator.reverseOrder()).toList();
    }

    /** The collection the next build writes into, given what serves now. */
    public String next(Optional<String> serving, Clock clock) {
        if (naming == RecallConfig.Naming.ALTERNATE) {
            return serving.filter(s -> s.equals(base + "_a")).isPresent() ? base + "_b" : base + "_a";
        }
        String name = base + "_" + STAMP.format(clock.instant());
        if (serving.filter(name::equals).isPresent()) {
            name = base + "_" + STAMP.format(clock.instant().plusSeconds(1));
        }
        return name;
    }
}
