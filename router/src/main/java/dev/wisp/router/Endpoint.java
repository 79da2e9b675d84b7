package dev.wisp.router;

import java.util.Objects;

/**
 * One ready instance of a service, as the platform announces it to the router.
 *
 * <p>Two endpoints are the same endpoint only if instance id, host and port all match: a port
 * reused by a new instance is a new endpoint, so the router never carries pooled connections or
 * "suspect" marks from a dead instance over to its successor.
 *
 * @param instanceId the platform's id of the instance (used in metrics and in {@link
 *     ServiceBackend#endpointFailed})
 * @param host IP literal (preferred: it is resolved once, off the event loop) or host name
 * @param port TCP port of the instance's HTTP/1.1 listener
 */
public record Endpoint(String instanceId, String host, int port) {
    public Endpoint {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(host, "host");
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    @Override
    public String toString() {
        return instanceId + "@" + host + ":" + port;
    }
}
