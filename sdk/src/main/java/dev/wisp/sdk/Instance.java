package dev.wisp.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** One microVM of a service; {@code tier} is running, paused or snapshotted, {@code state} the runtime's own state. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Instance(
        String id,
        String service,
        Integer revision,
        String tier,
        String state,
        String node,
        String startedAt,
        Boolean busy) {}
