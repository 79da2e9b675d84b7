package dev.wisp.autoscaler;

import java.time.Duration;
import java.util.Objects;

/**
 * A service's standby policy: how idle instances move down the {@link StandbyTier tiers}. Idle
 * time is counted from an instance's last request; an instance with requests in flight is never
 * idle.
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><th>Setting</th><th>Default</th><th>Why</th></tr>
 *   <tr><td>{@link #mode}</td><td>{@link StandbyMode#SNAPSHOT}</td>
 *       <td>idle services cost no CPU and, after a minute, no memory</td></tr>
 *   <tr><td>{@link #pauseAfter}</td><td>1 s</td>
 *       <td>Unikraft Cloud's default cooldown; resuming costs about a millisecond, so pausing
 *       between requests is nearly free</td></tr>
 *   <tr><td>{@link #snapshotAfter}</td><td>60 s</td>
 *       <td>one stable window: traffic that paused for longer than the autoscaler remembers is
 *       unlikely to come back within milliseconds, so release the memory</td></tr>
 *   <tr><td>{@link #retireAfter}</td><td>24 h</td>
 *       <td>a day covers daily traffic cycles, so a service that sees one request a day still
 *       restores rather than cold-boots; beyond that the disk is better freed. Matches Knative's
 *       24 h garbage collection of unrouted revisions</td></tr>
 * </table>
 *
 * @param mode          how far idle instances may sink; default {@link StandbyMode#SNAPSHOT}
 * @param pauseAfter    idle time before RUNNING → PAUSED; default 1 s; &gt;= 0
 * @param snapshotAfter idle time before PAUSED → SNAPSHOTTED ({@link StandbyMode#SNAPSHOT} only);
 *                      default 60 s; &gt;= {@code pauseAfter}
 * @param retireAfter   idle time before an instance beyond the autoscaler's count is destroyed;
 *                      default 24 h; &gt;= {@code snapshotAfter}
 */
public record StandbyPolicy(StandbyMode mode, Duration pauseAfter, Duration snapshotAfter, Duration retireAfter) {

    /** Default {@link #pauseAfter}: 1 s. */
    public static final Duration DEFAULT_PAUSE_AFTER = Duration.ofSeconds(1);
    /** Default {@link #snapshotAfter}: 60 s. */
    public static final Duration DEFAULT_SNAPSHOT_AFTER = Duration.ofSeconds(60);
    /** Default {@link #retireAfter}: 24 h. */
    public static final Duration DEFAULT_RETIRE_AFTER = Duration.ofHours(24);

    /** @throws IllegalArgumentException unless 0 &lt;= pauseAfter &lt;= snapshotAfter &lt;= retireAfter */
    public StandbyPolicy {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(pauseAfter, "pauseAfter");
        Objects.requireNonNull(snapshotAfter, "snapshotAfter");
        Objects.requireNonNull(retireAfter, "retireAfter");
        if (pauseAfter.isNegative()) {
            throw new IllegalArgumentException("pauseAfter must be >= 0, was " + pauseAfter);
        }
        if (snapshotAfter.compareTo(pauseAfter) < 0) {
            throw new IllegalArgumentException(
                    "snapshotAfter (" + snapshotAfter + ") must be >= pauseAfter (" + pauseAfter + ")");
        }
        if (retireAfter.compareTo(snapshotAfter) < 0) {
            throw new IllegalArgumentException(
                    "retireAfter (" + retireAfter + ") must be >= snapshotAfter (" + snapshotAfter + ")");
        }
    }

    /** {@link StandbyMode#SNAPSHOT} with the default durations. */
    public static StandbyPolicy defaults() {
        return of(StandbyMode.SNAPSHOT);
    }

    /** The given mode with the default durations (1 s, 60 s, 24 h). */
    public static StandbyPolicy of(StandbyMode mode) {
        return new StandbyPolicy(mode, DEFAULT_PAUSE_AFTER, DEFAULT_SNAPSHOT_AFTER, DEFAULT_RETIRE_AFTER);
    }
}
