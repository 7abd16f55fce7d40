package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.recallctl.config.ConfigLoader;
import org.recallctl.config.RecallConfig;

class CollectionNamingTest {
    private static RecallConfig.Collection cfg(String naming) {
        return new ConfigLoader(Map.of()).load(null, Map.of("collection.naming", naming, "collection.base_name", "items"),
                Map.of()).config().collection();
    }

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:30:00Z"), ZoneOffset.UTC);

    @Test
    void alternateFlipsBetweenAAndB() {
        CollectionNaming n = new CollectionNaming(cfg("alternate"));
        assertThat(n.next(Optional.empty(), CLOCK)).isEqualTo("items_a");
        assertThat(n.next(Optional.of("items_a"), CLOCK)).isEqualTo("items_b");
        assertThat(n.next(Optional.of("items_b"), CLOCK)).isEqualTo("items_a");
        assertThat(n.next(Optional.of("something_else"), CLOCK)).isEqualTo("items_a");
    }

    @Test
    void timestampNamesAreUtcAndNeverTheServingOne() {
        CollectionNaming n = new CollectionNaming(cfg("timestamp"));
        assertThat(n.next(Optional.empty(), CLOCK)).isEqualTo("items_20261125103000");
        assertThat(n.next(Optional.of("items_20261125103000"), CLOCK)).isEqualTo("items_20261125103001");
    }

    @Test
    void generationsAreThePipelinesOwnCollectionsNewestFirst() {
        CollectionNaming n = new CollectionNaming(cfg("timestamp"));
        List<String> all = List.of("items_20260101000000", "other_a", "items_a", "items_20261125103000", "items_x",
                "items_2026", "itemsX_20261125103000");
        assertThat(n.generations(all)).containsExactly("items_a", "items_20261125103000",
                "items_20260101000000");
    }
}
