package dev.wisp.router;

/**
 * The router's load figures, as an autoscaler reads them. {@link RouterServer} is one; a platform
 * depends on this interface rather than on the server.
 */
@FunctionalInterface
public interface ServiceLoads {

    /** Load of one service, or {@code null} if no request for it reached the router yet. */
    ServiceLoad snapshot(String service);
}
