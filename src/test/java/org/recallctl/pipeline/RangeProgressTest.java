package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.recallctl.source.KeyRange;

/**
 * The resumable build's watermark (issue 12 §4): the confirmed id never runs ahead of an unacknowledged batch, an
 * open batch or the reader, and the counts up to it are exactly the rows at or below it.
 */
class RangeProgressTest {
    private static Batch batch(int partition, long... ids) {
        List<ValidRow> rows = new ArrayList<>();
        for (long id : ids) {
            rows.add(new ValidRow(id, new float[] {1}, new Object[0], partition, 4));
        }
        return new Batch(partition, rows, 4L * ids.length);
    }

    @Test
    void outOfOrderAcknowledgementsConfirmOnlyUpToTheFirstIdInDoubt() {
        RangeProgress p = new RangeProgress(0, new KeyRange(1, 100), 2);
        Batch even = batch(0, 2, 4, 6);
        Batch odd = batch(1, 1, 3, 5);
        p.shipped(even);
        p.shipped(odd);
        // the reader read up to 8 and holds 7, 8 in open batches
        assertThat(p.published(7, 7)).isNull();
        assertThat(p.snapshot().ackedId()).isEqualTo(0);
        // the even batch lands first: 1 is still in flight, nothing is confirmed
        assertThat(p.acked(even)).isNull();
        assertThat(p.remaining()).isEqualTo(new KeyRange(1, 100));
        RangeProgress.Confirmed c = p.acked(odd);
        assertThat(c.ackedId()).as("up to the open batch's first id").isEqualTo(6);
        assertThat(c.written()).containsExactly(3, 3);
        assertThat(p.remaining()).isEqualTo(new KeyRange(7, 100));
    }

    @Test
    void rowsOfAnAcknowledgedBatchAboveTheWatermarkAreCountedOnlyWhenItPassesThem() {
        RangeProgress p = new RangeProgress(0, new KeyRange(1, 100), 2);
        Batch late = batch(0, 10, 12, 14);
        Batch early = batch(1, 5, 11, 13);
        p.shipped(early);
        p.shipped(late);
        p.published(Long.MAX_VALUE, 14);
        p.acked(late);
        assertThat(p.snapshot().ackedId()).isEqualTo(4);
        assertThat(p.snapshot().written()).containsExactly(0, 0);
        p.rejected(7, 1, RejectReason.NAN_OR_INF);
        RangeProgress.Confirmed c = p.acked(early);
        assertThat(c.ackedId()).isEqualTo(14);
        assertThat(c.written()).containsExactly(3, 3);
        assertThat(c.rejected()).containsExactly(0, 1);
        assertThat(c.rejectedByReason()[RejectReason.NAN_OR_INF.ordinal()]).isEqualTo(1);
        assertThat(c.done()).isFalse();
        c = p.readDone();
        assertThat(c.ackedId()).isEqualTo(100);
        assertThat(c.done()).isTrue();
        assertThat(p.remaining()).isNull();
    }

    @Test
    void aRangeIsNotCompleteWhileABatchIsInFlightAfterTheReaderFinished() {
        RangeProgress p = new RangeProgress(0, new KeyRange(1, 10), 1);
        Batch last = batch(0, 8, 9);
        p.shipped(last);
        RangeProgress.Confirmed c = p.readDone();
        assertThat(c.ackedId()).isEqualTo(7);
        assertThat(c.done()).isFalse();
        assertThat(p.acked(last).done()).isTrue();
    }

    @Test
    void aResumedRangeStartsAboveItsConfirmedIdWithItsCounts() {
        RangeProgress p = new RangeProgress(2, new KeyRange(101, 200), 2, 150, new long[] {20, 25},
                new long[] {1, 0}, new long[RejectReason.values().length]);
        assertThat(p.remaining()).isEqualTo(new KeyRange(151, 200));
        assertThat(p.snapshot().writtenTotal()).isEqualTo(45);
        assertThat(new RangeProgress(0, new KeyRange(1, 5), 1, 5, new long[1], new long[1], new long[9]).remaining()).isNull();
    }

    @Test
    void aReservationIsRecordedBeforeABatchBeyondItShipsAndOnlyThen() {
        RangeProgress p = new RangeProgress(0, new KeyRange(1, 1_000_000), 1);
        long r = p.reserveFor(batch(0, 1, 2, 3));
        assertThat(r).as("first batch: reserve ahead").isGreaterThanOrEqualTo(3 + 1024);
        assertThat(p.reserveFor(batch(0, 4, 5, 6))).as("within the reservation").isEqualTo(RangeProgress.NO_RESERVATION);
        long next = p.reserveFor(batch(0, r + 1, r + 2));
        assertThat(next).isGreaterThan(r + 2);
        RangeProgress end = new RangeProgress(0, new KeyRange(1, 2000), 1);
        assertThat(end.reserveFor(batch(0, 1500, 1600))).as("never beyond the range").isEqualTo(2000);
    }
}
