package dev.wisp.autoscaler;

/**
 * How far an idle instance may sink, per service; the counterpart of Unikraft Cloud's
 * scale-to-zero policy {@code off | on | idle} and Fly.io's {@code auto_stop_machines}.
 */
public enum StandbyMode {
    /** Never paused or snapshotted: idle instances stay running (no wake latency at all). An
     *  instance beyond the autoscaler's count is still retired after {@code retireAfter}. */
    ALWAYS_ON,
    /** RUNNING → PAUSED after {@code pauseAfter} idle; resumed in about a millisecond. Memory stays
     *  held while paused, so density is bounded by RAM. */
    PAUSE,
    /** RUNNING → PAUSED after {@code pauseAfter}, → SNAPSHOTTED after {@code snapshotAfter}: a
     *  long-idle instance holds neither CPU nor memory and still keeps its state. The default. */
    SNAPSHOT
}
