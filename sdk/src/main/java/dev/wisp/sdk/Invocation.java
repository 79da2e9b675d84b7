package dev.wisp.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** An asynchronous function invocation; {@code state} is queued, running, succeeded, failed or dead. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Invocation(
        String id,
        String state,
        Integer attempts,
        Integer status,
        String body,
        String error,
        String function,
        Long durationMs,
        String createdAt,
        String callbackUrl,
        String callback) {}
