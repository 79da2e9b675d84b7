package dev.wisp.autoscaler;

/**
 * Where an instance sits on the way from serving to gone. Each step down costs less to keep and
 * more to wake.
 */
public enum StandbyTier {
    /** Running: takes requests now; uses its CPU share and all its memory. */
    RUNNING,
    /** Paused: vCPUs stopped, memory still resident; resumes in about a millisecond. No CPU. */
    PAUSED,
    /** Snapshotted: memory and device state on disk, VMM process gone; restores in milliseconds,
     *  pages loaded lazily. No CPU, no memory. */
    SNAPSHOTTED,
    /** Retired: destroyed, snapshot deleted. Only ever the target of a transition. */
    GONE
}
