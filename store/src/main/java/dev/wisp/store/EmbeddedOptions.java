package dev.wisp.store;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Tuning of the embedded store; {@link #defaults()} suits a control plane.
 *
 * @param clock time for lease deadlines (persisted as wall-clock instants, so expiry survives
 *     restarts)
 * @param logRotationBytes once the current log file exceeds this, a snapshot of the state is
 *     written and older log files are deleted, bounding disk use and replay time
 * @param historyMaxEvents most watch events kept in memory for watches to replay
 * @param historyMaxBytes most bytes of keys and values those events may hold
 * @param leaseCheckInterval how often a background timer looks for expired leases;
 *     {@link Duration#ZERO} disables it (tests drive expiry themselves)
 */
public record EmbeddedOptions(
        InstantSource clock,
        long logRotationBytes,
        int historyMaxEvents,
        long historyMaxBytes,
        Duration leaseCheckInterval) {

    public EmbeddedOptions {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(leaseCheckInterval, "leaseCheckInterval");
        if (logRotationBytes < 4096) {
            throw new IllegalArgumentException("logRotationBytes must be >= 4096, was " + logRotationBytes);
        }
        if (historyMaxEvents < 1 || historyMaxBytes < 1) {
            throw new IllegalArgumentException("history limits must be positive");
        }
        if (leaseCheckInterval.isNegative()) {
            throw new IllegalArgumentException("leaseCheckInterval must not be negative");
        }
    }

    /** System clock, 64 MiB log files, 10,000 events or 64 MiB of history, lease checks every 250 ms. */
    public static EmbeddedOptions defaults() {
        return new EmbeddedOptions(InstantSource.system(), 64L << 20, 10_000, 64L << 20, Duration.ofMillis(250));
    }

    /** These options with another lease clock (tests pass one they can move). */
    public EmbeddedOptions withClock(InstantSource clock) {
        return new EmbeddedOptions(clock, logRotationBytes, historyMaxEvents, historyMaxBytes, leaseCheckInterval);
    }

    /** These options with another log size that triggers a snapshot. */
    public EmbeddedOptions withLogRotationBytes(long bytes) {
        return new EmbeddedOptions(clock, bytes, historyMaxEvents, historyMaxBytes, leaseCheckInterval);
    }

    /** These options with other bounds on the watch history kept in memory. */
    public EmbeddedOptions withHistory(int maxEvents, long maxBytes) {
        return new EmbeddedOptions(clock, logRotationBytes, maxEvents, maxBytes, leaseCheckInterval);
    }

    /** These options with another lease timer period ({@link Duration#ZERO}: no timer). */
    public EmbeddedOptions withLeaseCheckInterval(Duration interval) {
        return new EmbeddedOptions(clock, logRotationBytes, historyMaxEvents, historyMaxBytes, interval);
    }
}
