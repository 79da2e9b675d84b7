package dev.wisp.router;

/**
 * What the router tells the platform when a request arrives and no endpoint of the service has
 * spare capacity. It is a hint to wake an instance (scale from zero) or add one (scale out); the
 * platform decides what to do with it.
 *
 * @param service service name
 * @param reason why the request could not be served by spare capacity
 * @param readyEndpoints ready endpoints the router knows for the service
 * @param inFlight requests currently being proxied to the service's endpoints
 * @param queued requests waiting in the router's buffer (including this one when it waits)
 */
public record Demand(String service, Reason reason, int readyEndpoints, int inFlight, int queued) {

    /** Why demand was signalled. */
    public enum Reason {
        /** The service has no ready endpoint: the request waits. This is the wake-from-zero case. */
        NO_ENDPOINTS,
        /** Every endpoint is at its hard limit (or suspect): the request waits. */
        SATURATED,
        /** The request was admitted, but no endpoint is below the soft limit any more. */
        SOFT_LIMIT
    }
}
