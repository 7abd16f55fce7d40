package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetentionPlanTest {
    private static final List<String> GENS = List.of("x_20250105000000", "x_20250104000000", "x_20250103000000",
            "x_20250102000000", "x_20250101000000");

    @Test
    void keepTwoKeepsServingAndRollbackOnly() {
        var p = RetentionPlan.of(GENS, "x_20250105000000", Optional.of("x_20250104000000"), 2);
        assertThat(p.kept()).containsExactly("x_20250105000000", "x_20250104000000");
        assertThat(p.drop()).containsExactly("x_20250103000000", "x_20250102000000", "x_20250101000000");
    }

    @Test
    void keepThreeKeepsOneMoreNewestFirst() {
        var p = RetentionPlan.of(GENS, "x_20250105000000", Optional.of("x_20250104000000"), 3);
        assertThat(p.kept()).containsExactly("x_20250105000000", "x_20250104000000", "x_20250103000000");
        assertThat(p.drop()).containsExactly("x_20250102000000", "x_20250101000000");
    }

    @Test
    void neverDropsServingOrRollbackEvenWhenOldOrKeepIsOne() {
        // after a rollback the serving one is OLDER than others
        var p = RetentionPlan.of(GENS, "x_20250102000000", Optional.of("x_20250101000000"), 1);
        assertThat(p.drop()).doesNotContain("x_20250102000000", "x_20250101000000");
        assertThat(p.kept()).containsExactly("x_20250102000000", "x_20250101000000");
        assertThat(p.drop()).containsExactly("x_20250105000000", "x_20250104000000", "x_20250103000000");
    }

    @Test
    void firstRunWithoutRollback() {
        var p = RetentionPlan.of(List.of("x_20250105000000"), "x_20250105000000", Optional.empty(), 2);
        assertThat(p.drop()).isEmpty();
    }

    @Test
    void alternateNamingDropsNothing() {
        var p = RetentionPlan.of(List.of("x_b", "x_a"), "x_a", Optional.of("x_b"), 2);
        assertThat(p.drop()).isEmpty();
    }
}
