package dev.wisp.planner;

import java.time.Instant;
import java.time.InstantSource;

/**
 * Simulated time in whole seconds, moved by the simulation only. Second 0 is the trace's start:
 * {@code startHour} on 1 January 2026 (UTC), so instants in the autoscaler's details read as times
 * of day.
 */
final class SimClock implements InstantSource {
    private static final long ORIGIN = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();

    private final long startEpochSecond;
    private long second;
    private Instant now;

    SimClock(double startHour) {
        this.startEpochSecond = ORIGIN + Math.round(startHour * 3600);
        set(0);
    }

    /** Moves to {@code second} of the trace (backwards too: replaying missed load samples). */
    void set(long second) {
        if (now == null || second != this.second) {
            this.second = second;
            this.now = Instant.ofEpochSecond(startEpochSecond + second);
        }
    }

    /** The instant of {@code second} of the trace. */
    Instant at(long second) {
        return Instant.ofEpochSecond(startEpochSecond + second);
    }

    @Override
    public Instant instant() {
        return now;
    }
}
