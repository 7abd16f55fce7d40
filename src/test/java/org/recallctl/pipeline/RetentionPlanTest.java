package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetentionPlanTest {
    private static final String S5 = "x_20250105000000";
    private static final String S4 = "x_20250104000000";
    private static final String S3 = "x_20250103000000";
    private static final String S2 = "x_20250102000000";
    private static final String S1 = "x_20250101000000";
    private static final List<String> OURS = List.of(S5, S4, S3, S2, S1);

    private static RetentionPlan plan(List<String> ours, String serving, String building, List<String> history,
                                      int keep, Map<String, Long> retired, Set<String> loaded, long graceMs, long now) {
        return RetentionPlan.of(new RetentionPlan.Inputs(ours, Optional.ofNullable(serving), Optional.ofNullable(building),
                history, Map.of(), loaded, retired, Map.of(), keep, graceMs, now));
    }

    @Test
    void keepTwoKeepsServingAndRollbackOnly() {
        var p = plan(OURS, S5, null, List.of(S4), 2, Map.of(), Set.of(), 0, 0);
        assertThat(p.kept()).containsExactly(S5, S4);
        assertThat(p.drop()).containsExactly(S3, S2, S1);
    }

    @Test
    void keepThreeKeepsTwoHistoryEntries() {
        var p = plan(OURS, S5, null, List.of(S4, S3), 3, Map.of(), Set.of(), 0, 0);
        assertThat(p.kept()).containsExactly(S5, S4, S3);
        assertThat(p.drop()).containsExactly(S2, S1);
    }

    @Test
    void neverDropsServingOrRollbackEvenWhenOldOrKeepIsOne() {
        // after a rollback the serving one is OLDER than others
        var p = plan(OURS, S2, null, List.of(S1), 1, Map.of(), Set.of(), 0, 0);
        assertThat(p.kept()).containsExactly(S2, S1);
        assertThat(p.drop()).containsExactly(S5, S4, S3);
    }

    @Test
    void aFailedRunsCollectionNeverTakesAGenerationsPlace() {
        // S5 was built by a failed run (never served): it does not push the rollback collection S3 out
        var p = plan(OURS, S4, null, List.of(S3), 2, Map.of(), Set.of(), 0, 0);
        assertThat(p.kept()).containsExactly(S4, S3);
        assertThat(p.drop()).contains(S5).doesNotContain(S4, S3);
    }

    @Test
    void keyTwoAndAliasedCollectionsAreNeverDropped() {
        var p = RetentionPlan.of(new RetentionPlan.Inputs(OURS, Optional.of(S5), Optional.of(S1), List.of(S4),
                Map.of(S2, List.of("serving_alias")), Set.of(), Map.of(), Map.of(), 2, 0, 0));
        assertThat(p.kept()).contains(S1);
        assertThat(p.drop()).containsExactly(S3);
        assertThat(p.skipped()).singleElement().asString().contains(S2).contains("serving_alias");
    }

    @Test
    void onlyMarkedCollectionsAreConsidered() {
        // another pipeline's x_2025... (not in `ours`) is invisible to the plan
        var p = plan(List.of(S5, S4), S5, null, List.of(S4), 2, Map.of(), Set.of(), 0, 0);
        assertThat(p.drop()).isEmpty();
    }

    @Test
    void thePreviousGenerationStaysLoadedForTheGraceThenIsReleased() {
        long retired = 1_000_000;
        var within = plan(OURS, S5, null, List.of(S4), 2, Map.of(S4, retired), Set.of(S4, S5), 600_000, retired + 599_999);
        assertThat(within.release()).isEmpty();
        var after = plan(OURS, S5, null, List.of(S4), 2, Map.of(S4, retired), Set.of(S4, S5), 600_000, retired + 600_000);
        assertThat(after.release()).containsExactly(S4);
        assertThat(after.kept()).contains(S4); // released, never dropped: rollback loads it again
        var unknown = plan(OURS, S5, null, List.of(S4), 2, Map.of(), Set.of(S4), 0, retired);
        assertThat(unknown.release()).as("no retirement time known: not released").isEmpty();
        var notLoaded = plan(OURS, S5, null, List.of(S4), 2, Map.of(S4, retired), Set.of(), 0, retired + 1);
        assertThat(notLoaded.release()).isEmpty();
    }

    @Test
    void leftoversAreDroppedOnlyOnceTheGraceSinceTheyRetiredOrWereCreatedIsOver() {
        var in = new RetentionPlan.Inputs(OURS, Optional.of(S5), Optional.empty(), List.of(S4), Map.of(), Set.of(),
                Map.of(S3, 1_000L), Map.of(S2, 5_000L, S1, 0L), 2, 10_000, 12_000);
        var p = RetentionPlan.of(in);
        // S3 retired 11 s ago and S1 is ancient: dropped; S2 was created 7 s ago: within the 10 s grace
        assertThat(p.drop()).containsExactly(S3, S1);
        assertThat(p.skipped()).anySatisfy(x -> assertThat(x).contains(S2).contains("creation"));
    }

    @Test
    void alternateNamingDropsNothing() {
        var p = plan(List.of("x_b", "x_a"), "x_a", null, List.of("x_b"), 2, Map.of(), Set.of(), 0, 0);
        assertThat(p.drop()).isEmpty();
    }
}
