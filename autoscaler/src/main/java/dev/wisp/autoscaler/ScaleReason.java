package dev.wisp.autoscaler;

/** Why a {@link ScaleDecision} asks for the count it does: the rule that set the final number. */
public enum ScaleReason {
    /** The stable-window average divided by the per-instance target. */
    STABLE,
    /** Panic mode: the panic-window average (or the highest count of this panic) decides. */
    PANIC,
    /** Wanted more, but the max scale-up rate allows only this many per tick. */
    SCALE_UP_LIMITED,
    /** Wanted fewer, but the max scale-down rate removes at most this many per tick. */
    SCALE_DOWN_LIMITED,
    /** Held at the initial scale while the first stable window after creation fills. */
    INITIAL_SCALE,
    /** No traffic, but the scale-to-zero grace has not passed: one instance stays. */
    SCALE_TO_ZERO_GRACE,
    /** No traffic for longer than the stable window and the grace: zero instances. */
    SCALE_TO_ZERO,
    /** Raised to the configured minimum. */
    MIN_INSTANCES,
    /** Lowered to the configured maximum. */
    MAX_INSTANCES,
    /** Requests arrived while no instance was ready: wake now, without waiting for the tick. */
    ACTIVATION
}
