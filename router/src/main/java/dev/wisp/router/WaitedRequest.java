package dev.wisp.router;

/**
 * When a request that waited for capacity (a wake) passed each step in the router, as
 * {@link System#nanoTime()} values: the platform lines them up with its own steps of the wake to
 * show where the client's wait went. Reported through {@link ServiceBackend#waited} once the
 * response has gone to the client.
 *
 * @param arrivedNanos the request's head was read and routed to its service
 * @param grantedNanos the wait buffer's grant of an endpoint ran on the request's event loop
 * @param sentNanos the upstream connection was there and the request written to it
 * @param firstByteNanos the upstream's response head arrived
 * @param endedNanos the whole response was handed to the client connection
 */
public record WaitedRequest(
        long arrivedNanos, long grantedNanos, long sentNanos, long firstByteNanos, long endedNanos) {}
