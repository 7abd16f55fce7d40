package org.recallctl.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand, optionally advancing a fixed step on every reading. */
public final class ManualClock extends Clock {
    private final AtomicLong millis;
    private final long stepPerReading;

    public ManualClock(long startMillis, long stepPerReading) {
        this.millis = new AtomicLong(startMillis);
        this.stepPerReading = stepPerReading;
    }

    public void set(long epochMillis) {
        millis.set(epochMillis);
    }

    @Override
    public ZoneOffset getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.getAndAdd(stepPerReading));
    }
}
