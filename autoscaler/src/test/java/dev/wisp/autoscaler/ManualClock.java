package dev.wisp.autoscaler;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A clock that moves only when the test says so. */
final class ManualClock implements InstantSource {
    static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

    private Instant now = START;

    @Override
    public Instant instant() {
        return now;
    }

    void advance(Duration d) {
        now = now.plus(d);
    }

    void advanceSeconds(long seconds) {
        advance(Duration.ofSeconds(seconds));
    }

    /** Seconds since {@link #START}. */
    long elapsedSeconds() {
        return Duration.between(START, now).toSeconds();
    }
}
