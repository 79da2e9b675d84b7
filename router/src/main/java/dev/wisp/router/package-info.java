/**
 * Wisp's router: the HTTP/1.1 front door in front of microVM instances.
 *
 * <h2>The seam to the platform</h2>
 *
 * The router knows instances only through these public types:
 *
 * <ul>
 *   <li>{@link dev.wisp.router.ServiceResolver} (standard: {@link dev.wisp.router.Routes}): host
 *       and path to service name; no match is a 404 JSON answer.
 *   <li>{@link dev.wisp.router.ServiceDirectory}: service name to {@link
 *       dev.wisp.router.ServiceBackend}, which gives the ready {@link dev.wisp.router.Endpoint}s,
 *       change notifications, {@link dev.wisp.router.ServiceLimits}, and receives {@link
 *       dev.wisp.router.Demand} (wake/scale-out, called at once on the request that finds no
 *       spare capacity) and endpoint failures. {@link dev.wisp.router.ServiceTable} is a
 *       ready-made implementation the runtime can push into.
 *   <li>{@link dev.wisp.router.RouterServer#snapshot()}: per-service in-flight and queued
 *       counts ({@link dev.wisp.router.ServiceLoad}) for the autoscaler.
 * </ul>
 *
 * <h2>Inside</h2>
 *
 * Client pipeline: {@code HttpServerCodec -> IdleTimer -> FrontendHandler}; upstream
 * pipeline: {@code HttpClientCodec -> IdleTimer -> BackendHandler}; after a 101 both
 * become {@code TunnelHandler} byte pipes. Each exchange runs on its client connection's event
 * loop (each try at an endpoint an {@code Attempt}), with upstream connections pooled per loop;
 * per-service admission is {@code ServiceState} (balancing and hard limit: {@code Balancer}; FIFO
 * wait buffer: {@code WaitBuffer}). Flushes on the hot path are deferred to
 * the end of the loop's I/O batch ({@code LoopFlusher}), which saves peers wake-ups.
 */
package dev.wisp.router;
