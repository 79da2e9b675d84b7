package dev.wisp.router;

/**
 * Finds the platform's view of a service by name. Called for every request (after the {@link
 * ServiceResolver} named the service), so it must be a cheap lookup.
 *
 * <p>The router keeps its own per-service state (counters, buffer, connection pools) while the
 * directory keeps returning the same {@link ServiceBackend} object for the name; a different
 * object (or {@code null}, answered 404) makes the router drop that state.
 */
@FunctionalInterface
public interface ServiceDirectory {

    /** @return the service, or {@code null} if there is no service of that name */
    ServiceBackend lookup(String service);
}
