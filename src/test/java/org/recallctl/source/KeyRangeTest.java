package org.recallctl.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyRangeTest {
    @Test
    void rangesAreContiguousDisjointAndCoverTheBoundsExactly() {
        for (long[] c : new long[][] {{1, 100}, {-50, 49}, {5, 5}, {0, 2}, {Long.MIN_VALUE, Long.MAX_VALUE}}) {
            for (int n : new int[] {1, 2, 3, 7}) {
                List<KeyRange> r = KeyRange.split(c[0], c[1], n);
                assertThat(r).isNotEmpty().hasSizeLessThanOrEqualTo(n);
                assertThat(r.get(0).from()).isEqualTo(c[0]);
                assertThat(r.get(r.size() - 1).to()).isEqualTo(c[1]);
                for (int i = 1; i < r.size(); i++) {
                    assertThat(r.get(i).from()).isEqualTo(r.get(i - 1).to() + 1);
                }
                r.forEach(k -> assertThat(k.from()).isLessThanOrEqualTo(k.to()));
            }
        }
    }

    @Test
    void neverMoreRangesThanIds() {
        assertThat(KeyRange.split(10, 12, 8)).hasSize(3);
        assertThat(KeyRange.split(10, 9, 4)).isEmpty();
    }
}
