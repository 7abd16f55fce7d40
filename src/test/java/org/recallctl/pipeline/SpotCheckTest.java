package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.recallctl.config.ConfigLoader;
import org.recallctl.config.RecallConfig;

/** Issue 12 §2: what the spot-check counts as a difference between a stored row and its source row. */
class SpotCheckTest {
    private final RecallConfig cfg = new ConfigLoader(Map.of()).load(null, Map.of("source.dimension", "4",
            "collection.scalar_fields", "category:int64,brand:varchar(16),score:float"), Map.of()).config();

    private static ValidRow row(float... v) {
        return new ValidRow(7, v, new Object[] {3L, "brand-1", 0.25f}, 3, 0);
    }

    private static Map<String, Object> stored(List<Float> v, Object category, Object brand, Object score) {
        Map<String, Object> m = new HashMap<>();
        m.put("vector", v);
        m.put("category", category);
        m.put("brand", brand);
        m.put("score", score);
        return m;
    }

    @Test
    void theSameRowWithinFloatToleranceIsNoMismatch() {
        assertThat(SpotCheck.compare(row(0.5f, -0.5f, 0.5f, 0.5f),
                stored(List.of(0.5f, -0.5f, 0.5f, 0.50000006f), 3L, "brand-1", 0.25), cfg)).isEmpty();
        // numbers may come back as another boxed type (gson: Double, Integer)
        assertThat(SpotCheck.compare(row(0.5f, -0.5f, 0.5f, 0.5f),
                stored(new ArrayList<>(List.of(0.5f, -0.5f, 0.5f, 0.5f)), 3, "brand-1", 0.25d), cfg)).isEmpty();
    }

    @Test
    void aChangedComponentIsNamedWithBothValues() {
        assertThat(SpotCheck.compare(row(0.5f, -0.5f, 0.5f, 0.5f),
                stored(List.of(0.5f, -0.5f, 0.51f, 0.5f), 3L, "brand-1", 0.25), cfg))
                .hasValue("vector differs from the source in 1 of 4 components (largest at [2]: source 0.500000, "
                        + "collection 0.510000)");
        assertThat(SpotCheck.compare(row(0.5f, -0.5f, 0.5f, 0.5f), stored(List.of(0.5f, -0.5f), 3L, "brand-1", 0.25), cfg))
                .hasValue("vector has 2 components, the source 4");
    }

    @Test
    void scalarsAreComparedExactlyOrToFloatTolerance() {
        float[] v = {0.5f, -0.5f, 0.5f, 0.5f};
        List<Float> same = List.of(0.5f, -0.5f, 0.5f, 0.5f);
        assertThat(SpotCheck.compare(row(v), stored(same, 4L, "brand-1", 0.25), cfg))
                .hasValue("category is 4 in the collection, 3 in the source");
        assertThat(SpotCheck.compare(row(v), stored(same, 3L, "brand-2", 0.25), cfg))
                .hasValue("brand is 'brand-2' in the collection, 'brand-1' in the source");
        assertThat(SpotCheck.compare(row(v), stored(same, 3L, "brand-1", 0.5), cfg))
                .hasValue("score is 0.5 in the collection, 0.25 in the source");
    }
}
