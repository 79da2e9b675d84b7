package dev.wisp.runtime;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of an {@link Instance}. Every change is checked against {@link #next()}, timed and
 * logged, so an impossible transition is a bug that shows, not a silent state.
 */
public enum InstanceState {
    CREATING,
    BOOTING,
    RESTORING,
    READY,
    PAUSED,
    SNAPSHOTTING,
    SNAPSHOTTED,
    STOPPING,
    STOPPED,
    FAILED;

    /** States this one may move to. */
    public Set<InstanceState> next() {
        return switch (this) {
            case CREATING -> EnumSet.of(BOOTING, RESTORING, FAILED, STOPPING);
            case BOOTING, RESTORING -> EnumSet.of(READY, FAILED, STOPPING);
            case READY -> EnumSet.of(PAUSED, SNAPSHOTTING, STOPPING, FAILED);
            case PAUSED -> EnumSet.of(READY, SNAPSHOTTING, STOPPING, FAILED);
            case SNAPSHOTTING -> EnumSet.of(SNAPSHOTTED, PAUSED, READY, FAILED, STOPPING, STOPPED);
            case SNAPSHOTTED -> EnumSet.of(RESTORING, STOPPED);
            case STOPPING -> EnumSet.of(STOPPED, FAILED);
            case STOPPED, FAILED -> EnumSet.noneOf(InstanceState.class);
        };
    }

    /** True while a VMM process runs for the instance. */
    public boolean hasProcess() {
        return switch (this) {
            case BOOTING, RESTORING, READY, PAUSED, SNAPSHOTTING, STOPPING -> true;
            default -> false;
        };
    }

    /** True once nothing more can happen to the instance. */
    public boolean isTerminal() {
        return this == STOPPED || this == FAILED;
    }
}
