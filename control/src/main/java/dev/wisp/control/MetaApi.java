package dev.wisp.control;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.function.Supplier;

/** Health, the OpenAPI document, the event stream and the Prometheus metrics. */
final class MetaApi {
    static final String OPENAPI = "/dev/wisp/control/openapi.json";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final byte[] openapi = Api.resource(OPENAPI);
    private final Supplier<String> metrics;

    /** @param metrics the node's Prometheus text (router, node, VMM and store series) */
    MetaApi(Supplier<String> metrics) {
        this.metrics = metrics;
    }

    void register(ApiRoutes r) {
        r.open("GET", "/v1/health", (c, who, p) -> {
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("status", "ok");
            return Reply.json(200, n);
        });
        r.open("GET", "/v1/openapi.json", (c, who, p) -> Reply.bytes(Reply.JSON, openapi));
        // Admin only: the series name every tenant's services.
        r.add("GET", "/metrics", (c, who, p) -> {
            who.requireAdmin();
            return Reply.text(200, PROMETHEUS_TEXT, metrics.get());
        });
        r.add("GET", "/v1/events", (c, who, p) -> {
            String last = c.header("Last-Event-ID");
            if (last == null) {
                last = c.query().get("after");
            }
            long after = 0;
            if (last != null) {
                try {
                    after = Long.parseLong(last.trim());
                } catch (NumberFormatException e) {
                    throw ApiException.badRequest("Last-Event-ID must be an event's seq number");
                }
            } else {
                after = Long.MAX_VALUE; // live changes only, unless asked to resume
            }
            return Reply.events(who.tenant(), after);
        });
    }
}
