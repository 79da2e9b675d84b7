package dev.wisp.control;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The JSON shapes the API answers with, one record each, beside the records it also stores and
 * shows as they are ({@link Resources}, {@link Scaling}, {@link Standby}, {@link Quota},
 * {@link TenantRecord}, {@link EventRecord}) and the functions module's {@code InvocationView} and
 * {@code LogEntry}. openapi.json's schemas are checked against these records and against the SDK's
 * (ShapesTest): a field added here without the schema and the SDK following fails the build.
 * Null components are left out of an answer (the mapper writes no nulls).
 */
final class Shapes {
    private Shapes() {}

    /** Memory figures are int32 MiB in the API (2 PiB); a larger host figure is capped rather than wrapped. */
    static int mib(long mib) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, mib));
    }

    /** Every listing: {@code {"items": [...]}}. */
    record Items<T>(List<T> items) {}

    /** Every error: {@code {"error": {"code", "message"}}}. */
    record ErrorBody(ErrorDetail error) {}

    record ErrorDetail(String code, String message) {}

    /**
     * A service. {@code image}, {@code envNames}, {@code resources} and {@code port} are its target
     * revision's (absent only while that revision's record is missing); env values are never shown.
     */
    record ServiceView(
            String name,
            String tenant,
            String image,
            List<String> envNames,
            Resources resources,
            Integer port,
            Scaling scaling,
            Standby standby,
            String access,
            int revision,
            int latestRevision,
            int targetRevision,
            String url,
            List<String> nodeServices,
            ServiceStatusView status,
            StartFailureView failure) {}

    record ServiceStatusView(boolean ready, TierCounts instances) {}

    /** Instances per standby tier. */
    record TierCounts(int running, int paused, int snapshotted) {}

    /** A revision: its env by names only. {@code message} says why it failed or retired, if it did. */
    record RevisionView(
            String service,
            int number,
            String image,
            List<String> envNames,
            Resources resources,
            int port,
            String egress,
            List<VolumeMount> volumes,
            String createdAt,
            String state,
            String message,
            StartFailureView failure) {}

    /**
     * A revision's last failed start, while none has succeeded since; {@code revision} and {@code state}
     * only on a service (which revision fails, and its state).
     */
    record StartFailureView(
            String reason,
            List<String> console,
            String at,
            int attempts,
            String retryAt,
            Integer revision,
            String state) {}

    /** One microVM of a service; {@code startedAt} is absent while it has not started. */
    record InstanceView(
            String id,
            String service,
            int revision,
            String tier,
            String state,
            String node,
            String startedAt,
            boolean busy) {}

    /**
     * One console line of an instance: {@code at} is when the host read it (RFC 3339, UTC),
     * {@code stream} is {@code stdout}, {@code stderr} or {@code kernel} (everything the app did not print).
     */
    record LogLineView(String at, String instance, int revision, String stream, String text) {}

    record ImageView(String id, String tenant, long sizeBytes, String createdAt, List<String> usedBy) {}

    /**
     * A node. In cluster mode also {@code state} (ready, draining, lost), {@code leader}, its API's
     * URL and when it last wrote its record; a single host shows only the first six.
     */
    record NodeView(
            String name,
            NodeCapacityView capacity,
            Resources allocated,
            TierCounts instances,
            long refusals,
            String routerUrl,
            String state,
            Boolean leader,
            String apiUrl,
            String lastSeen) {
        NodeView(
                String name,
                NodeCapacityView capacity,
                Resources allocated,
                TierCounts instances,
                long refusals,
                String routerUrl) {
            this(name, capacity, allocated, instances, refusals, routerUrl, null, null, null, null);
        }
    }

    /** {@code memoryLimitMiB}: guest memory the node admits. */
    record NodeCapacityView(int vcpus, int memoryMiB, int memoryLimitMiB) {}

    /** A token as listed: never the token itself. */
    /** A one-time dashboard sign-in link and when it expires. */
    record SignInLink(String url, String expiresAt) {}

    /** What a sign-in link's code is traded for. */
    record SignedIn(String token) {}

    /** A tenant's secret: its name and a digest of its value, never the value. */
    record SecretView(String name, String digest, String createdAt, String updatedAt) {}

    /** A volume: its size in bytes and the services whose deployed revisions mount it. */
    record VolumeView(String name, long sizeBytes, String createdAt, List<String> usedBy) {}

    record TokenView(String id, String tenant, boolean admin, String createdAt) {}

    /** A new token: the only answer that shows it. */
    record TokenCreatedView(String id, String tenant, String token, String createdAt) {}

    /**
     * A function. {@code image}, {@code inFlight} and {@code url} are absent while it is
     * {@code starting}; {@code class} only for a Java function that named one.
     */
    record FunctionView(
            String name,
            String tenant,
            String runtime,
            @JsonProperty("class") String handlerClass,
            Resources resources,
            int reservedConcurrency,
            int instanceConcurrency,
            int maxInstances,
            RetryView retry,
            String timeout,
            String createdAt,
            String state,
            String image,
            Integer inFlight,
            String url) {}

    record RetryView(int maxAttempts, String initialBackoff, String maxBackoff) {}

    /** Answer of an async invoke. */
    record InvocationAccepted(String id) {}

    /** {@code GET /v1/health}; {@code reason} and the store's {@code code}/{@code message} only while degraded. */
    record Health(String status, StoreHealth store, String reason) {}

    record StoreHealth(boolean writable, String code, String message) {}
}
