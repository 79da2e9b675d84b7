package dev.wisp.autoscaler;

import java.util.Objects;

/**
 * The chosen way to wake one instance.
 *
 * @param path       the wake path
 * @param instanceId the instance to resume or restore for {@link WakePath#RESUME_PAUSED} and
 *                   {@link WakePath#RESTORE_SNAPSHOT}; {@code null} for the other two, which
 *                   create a new instance
 */
public record WakePlan(WakePath path, String instanceId) {

    /** @throws IllegalArgumentException unless an instance is given exactly for resume and restore */
    public WakePlan {
        Objects.requireNonNull(path, "path");
        boolean needsInstance = path == WakePath.RESUME_PAUSED || path == WakePath.RESTORE_SNAPSHOT;
        if (needsInstance != (instanceId != null)) {
            throw new IllegalArgumentException(
                    needsInstance
                            ? path + " needs the instance to wake"
                            : path + " creates a new instance; instanceId must be null");
        }
    }
}
