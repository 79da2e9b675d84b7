package dev.wisp.router;

import java.util.Map;

/**
 * A point-in-time view of one service's load at this router, for autoscalers (Knative's
 * "concurrency" metric is {@code inFlight + queued}).
 *
 * @param service service name
 * @param readyEndpoints endpoints the router currently balances over
 * @param inFlight requests being proxied (WebSocket/upgraded connections count while open)
 * @param queued requests waiting for an endpoint
 * @param requestsTotal requests routed to this service since the router started (for rps)
 * @param inFlightByInstance in-flight requests per instance id
 */
public record ServiceLoad(
        String service,
        int readyEndpoints,
        int inFlight,
        int queued,
        long requestsTotal,
        Map<String, Integer> inFlightByInstance) {

    /** Concurrency as Knative's autoscaler counts it: in flight plus waiting. */
    public int concurrency() {
        return inFlight + queued;
    }
}
