package dev.wisp.router;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;

/**
 * An answer the router gives itself instead of the app's: status, error code, one-line message
 * and {@code Retry-After} seconds (-1: none), which the {@link Exchange} hands to its {@link Reply}
 * to write as JSON. Each factory is one case the router answers locally, worded in one place.
 */
record LocalAnswer(HttpResponseStatus status, String error, String message, long retryAfter) {

    /** The request could not be decoded (bad syntax, line or headers too long). */
    static LocalAnswer badRequest(Throwable cause) {
        return new LocalAnswer(
                Responses.forDecoderFailure(cause), "bad_request", String.valueOf(cause.getMessage()), -1);
    }

    /** No route matches the request's host and path. */
    static LocalAnswer unknownService(RequestTarget target) {
        return new LocalAnswer(
                HttpResponseStatus.NOT_FOUND,
                "unknown_service",
                "no service for host '" + target.host() + "' and path '" + target.path() + "'",
                -1);
    }

    /** The service cannot start an instance; {@code why} is the platform's reason. */
    static LocalAnswer unavailable(String why, long retryAfter) {
        return new LocalAnswer(HttpResponseStatus.SERVICE_UNAVAILABLE, "service_unavailable", why, retryAfter);
    }

    /** No endpoint has room and the service's wait buffer is full. */
    static LocalAnswer queueFull(ServiceState s, long retryAfter) {
        return new LocalAnswer(
                HttpResponseStatus.SERVICE_UNAVAILABLE,
                "queue_full",
                "service '" + s.name + "' has no free endpoint and its wait buffer is full",
                retryAfter);
    }

    /** The request waited in the buffer for the whole queue timeout. */
    static LocalAnswer queueTimeout(ServiceState s, long retryAfter) {
        return new LocalAnswer(
                HttpResponseStatus.SERVICE_UNAVAILABLE,
                "queue_timeout",
                "no endpoint of service '" + s.name + "' became available within "
                        + s.limits().queueTimeout().toMillis() + " ms",
                retryAfter);
    }

    /** No upstream answered the request (see {@link Failover}). */
    static LocalAnswer badGateway(String why) {
        return new LocalAnswer(HttpResponseStatus.BAD_GATEWAY, "bad_gateway", why, -1);
    }

    /** The upstream said nothing for the idle timeout before any response byte. */
    static LocalAnswer upstreamTimeout(EndpointState endpoint, Duration idleTimeout) {
        return new LocalAnswer(
                HttpResponseStatus.GATEWAY_TIMEOUT,
                "upstream_timeout",
                "upstream " + endpoint + " did not answer within " + idleTimeout.toMillis() + " ms",
                -1);
    }
}
