package dev.wisp.router;

/**
 * Maps a request to a service name: the first step of routing. {@link Routes} is the standard
 * implementation ({@code NAME.localhost}, {@code NAME.<domain>}, path prefixes).
 */
@FunctionalInterface
public interface ServiceResolver {

    /**
     * @param host the request's Host header (may carry a port, may be {@code null} for HTTP/1.0)
     * @param path the request path without query string
     * @return the service name, or {@code null} if nothing matches (the router answers 404)
     */
    String resolve(String host, String path);
}
