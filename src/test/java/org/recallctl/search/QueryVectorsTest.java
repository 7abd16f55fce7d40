package org.recallctl.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.recallctl.error.ConfigException;

class QueryVectorsTest {
    private static List<Query> lines(String text) {
        return QueryVectors.readLines(new BufferedReader(new StringReader(text)), "q.txt");
    }

    @Test
    void parsesJsonArraysAndCsv() {
        assertThat(QueryVectors.parse("[0.5, -1, 2e-3]", "--vector")).containsExactly(0.5f, -1f, 0.002f);
        assertThat(QueryVectors.parse(" 1,2 ,3 ", "--vector")).containsExactly(1f, 2f, 3f);
    }

    @Test
    void rejectsBadNumbersNamingThePosition() {
        assertThatThrownBy(() -> QueryVectors.parse("[1, x, 3]", "--vector")).isInstanceOf(ConfigException.class)
                .hasMessage("--vector: malformed number 'x' at position 1");
        assertThatThrownBy(() -> QueryVectors.parse("[1, NaN]", "--vector")).hasMessage("--vector: NaN or infinity at position 1");
        assertThatThrownBy(() -> QueryVectors.parse("1,-Infinity", "--vector")).hasMessageContaining("NaN or infinity at position 1");
        assertThatThrownBy(() -> QueryVectors.parse("1,1e99", "--vector")).hasMessageContaining("out of float range at position 1");
        assertThatThrownBy(() -> QueryVectors.parse("[1,,2]", "--vector")).hasMessageContaining("empty element at position 1");
        assertThatThrownBy(() -> QueryVectors.parse("[1,2", "--vector")).hasMessageContaining("no closing ']'");
        assertThatThrownBy(() -> QueryVectors.parse("[]", "--vector")).hasMessage("--vector: empty vector");
        assertThatThrownBy(() -> QueryVectors.parse("0x1p3", "--vector")).hasMessageContaining("malformed number '0x1p3'");
    }

    @Test
    void fileSkipsCommentsAndNamesTheBadLine() {
        List<Query> qs = lines("# header\n[1,2]\n\n3,4\n");
        assertThat(qs).extracting(Query::label).containsExactly("q.txt line 2", "q.txt line 4");
        assertThatThrownBy(() -> lines("[1,2]\n[1,oops]\n")).hasMessage("q.txt line 2: malformed number 'oops' at position 1");
    }

    @Test
    void emptyFileIsAnError() {
        assertThatThrownBy(() -> lines("")).isInstanceOf(ConfigException.class).hasMessageContaining("q.txt holds no vectors");
        assertThatThrownBy(() -> lines("# only a comment\n\n")).hasMessageContaining("holds no vectors");
    }

    @Test
    void dimensionCheckNamesTheQueryAndTheCollection() {
        List<Query> qs = lines("[1,2,3]\n[1,2]\n");
        assertThatThrownBy(() -> QueryVectors.checkDimension(qs, 3, "items_a"))
                .hasMessage("q.txt line 2: wrong dimension 2 (collection items_a has dimension 3)");
    }
}
