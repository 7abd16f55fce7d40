package org.recallctl.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {
    private static List<String> print(Table t) {
        StringWriter s = new StringWriter();
        t.print(new PrintWriter(s));
        return s.toString().lines().toList();
    }

    @Test
    void numbersLineUpOnTheRightInAColumnOfNumbers() {
        List<String> lines = print(new Table("STEP", "SECONDS").row("connect", "1.09").row("build", "14.31"));
        assertThat(lines).containsExactly("STEP     SECONDS", "connect     1.09", "build      14.31");
    }

    /** Issue 14 §6: a long REFUSE verdict pushed "source rows S  20000" about a hundred columns to the right. */
    @Test
    void aKeyValueListingKeepsValuesInOneColumnAndFoldsLongOnes() {
        String verdict = "REFUSE (exit 3): source has 10 rows, 98.0% fewer than the 500 the serving collection "
                + "holds, over thresholds.max_shrink_pct = 10; source has 10 rows, below thresholds.min_rows = 100";
        List<String> lines = print(new Table("PLAN", "VALUE").leftAligned().wrap(1, 60)
                .row("pipeline", "items").row("source rows S", 10).row("thresholds", verdict).row("lock", "free"));
        assertThat(lines.get(2)).isEqualTo("source rows S  10");
        assertThat(lines).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo("source rows S  ".length() + 60));
        assertThat(lines.get(3)).startsWith("thresholds     REFUSE (exit 3): source has 10 rows,");
        assertThat(lines.get(4)).startsWith("                 ").doesNotStartWith("                  ");
        assertThat(String.join(" ", lines).replaceAll("\\s+", " ")).contains(verdict.replaceAll("\\s+", " "));
        assertThat(lines.get(lines.size() - 1)).isEqualTo("lock           free");
    }

    @Test
    void aWordLongerThanTheWidthStaysWhole() {
        assertThat(Table.fold("a " + "x".repeat(30) + " b", 12)).containsExactly("a", "x".repeat(30), "b");
    }
}
