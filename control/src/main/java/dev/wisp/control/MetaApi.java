package dev.wisp.control;

import dev.wisp.store.StateStore;
import dev.wisp.store.StoreException;
import java.util.Optional;
import java.util.function.Supplier;

/** Health, the OpenAPI document, the event stream and the Prometheus metrics. */
final class MetaApi {
    static final String OPENAPI = "/dev/wisp/control/openapi.json";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final byte[] openapi = Api.resource(OPENAPI);
    private final Supplier<String> metrics;
    private final StateStore store;

    /**
     * @param metrics the node's Prometheus text (router, node, VMM and store series)
     * @param store the state store, whose ability to write health reports
     */
    MetaApi(Supplier<String> metrics, StateStore store) {
        this.metrics = metrics;
        this.store = store;
    }

    /**
     * 200 {@code ok}, or 503 while the state store cannot write (a full disk: creates and changes
     * fail then), with the store's reason. Running services keep answering either way.
     */
    private Reply health() {
        Optional<StoreException> failure = store.writeFailure();
        if (failure.isEmpty()) {
            return Reply.json(200, new Shapes.Health("ok", new Shapes.StoreHealth(true, null, null), null));
        }
        ApiException e = DiskFull.find(failure.get(), null);
        String why = failure.get().getMessage();
        return Reply.json(
                503,
                new Shapes.Health(
                        "degraded",
                        new Shapes.StoreHealth(false, e != null ? e.code() : "unavailable", why),
                        "the state store cannot write: " + why));
    }

    void register(ApiRoutes r) {
        r.open("GET", "/v1/health", (c, who, p) -> health());
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
