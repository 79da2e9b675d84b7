package dev.wisp.autoscaler;

/**
 * How to get one more instance serving, fastest first. The order of the constants is the order
 * of preference; latencies are the typical figures of each mechanism.
 */
public enum WakePath {
    /** Resume a paused instance: memory is still resident, about a millisecond. */
    RESUME_PAUSED,
    /** Restore an instance's own snapshot: milliseconds, pages loaded lazily; keeps its state. */
    RESTORE_SNAPSHOT,
    /** Clone the service's warm template snapshot: milliseconds plus a fresh identity (RNG seed,
     *  addresses), with no state of its own. */
    CLONE_TEMPLATE,
    /** Boot from the image: 100-150 ms to init, plus however long the application takes to start. */
    COLD_BOOT
}
