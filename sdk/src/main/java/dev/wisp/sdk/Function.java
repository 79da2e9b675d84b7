package dev.wisp.sdk;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A deployed function as {@code GET /v1/functions/{name}} shows it.
 *
 * @param state    {@code ready}, or {@code starting} while the node (re)starts it
 * @param instanceConcurrency calls one instance serves at once
 * @param maxInstances        most instances it scales out to
 * @param inFlight invocations running now (at most {@code reservedConcurrency})
 * @param url      where the router serves it directly (bypassing the concurrency limit and log)
 */
@ApiShape
public record Function(
        String name,
        String tenant,
        String runtime,
        @JsonProperty("class") String handlerClass,
        Resources resources,
        Integer reservedConcurrency,
        Integer instanceConcurrency,
        Integer maxInstances,
        RetrySettings retry,
        String timeout,
        String createdAt,
        String state,
        String image,
        Integer inFlight,
        String url) {}
