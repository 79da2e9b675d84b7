package dev.wisp.sdk;

/** One microVM of a service; {@code tier} is running, paused or snapshotted, {@code state} the runtime's own state. */
@ApiShape
public record Instance(
        String id,
        String service,
        Integer revision,
        String tier,
        String state,
        String node,
        String startedAt,
        Boolean busy) {}
