package dev.wisp.planner;

import dev.wisp.autoscaler.WakePath;

/**
 * What one wake costs the request that waits for it, per {@link WakePath}, in milliseconds.
 *
 * <p>The {@link #measured() defaults} are the client-side figures of the "Wake benchmark" table in
 * the repository's README ({@code ./wisp bench wake --rounds 3}: one request through Wisp's router
 * to a service asleep in each tier, on the project's 2-core development machine). They are one
 * machine's numbers, not promises: measure your own hardware with {@code wisp bench wake} and pass
 * those.
 *
 * @param resumeMs  resume a paused instance; &gt;= 0
 * @param restoreMs restore an instance's own snapshot; &gt;= 0
 * @param cloneMs   clone the service's warm template; &gt;= 0
 * @param coldMs    boot from the image; &gt;= 0
 */
public record WakeLatencies(double resumeMs, double restoreMs, double cloneMs, double coldMs) {

    /** @throws IllegalArgumentException if a latency is negative or not finite */
    public WakeLatencies {
        check("resume", resumeMs);
        check("restore", restoreMs);
        check("clone", cloneMs);
        check("cold boot", coldMs);
    }

    /** README "Wake benchmark", client ms: resume 24.2, restore 283.8, clone 180.4, cold boot 1733.8. */
    public static WakeLatencies measured() {
        return new WakeLatencies(24.2, 283.8, 180.4, 1733.8);
    }

    /** The latency of {@code path}. */
    public double of(WakePath path) {
        return switch (path) {
            case RESUME_PAUSED -> resumeMs;
            case RESTORE_SNAPSHOT -> restoreMs;
            case CLONE_TEMPLATE -> cloneMs;
            case COLD_BOOT -> coldMs;
        };
    }

    private static void check(String what, double ms) {
        if (!(ms >= 0) || Double.isInfinite(ms)) {
            throw new IllegalArgumentException(what + " latency must be a finite number of ms >= 0, was " + ms);
        }
    }
}
