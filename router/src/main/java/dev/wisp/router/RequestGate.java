package dev.wisp.router;

import io.netty.handler.codec.http.HttpRequest;

/**
 * Decides whether a request may reach a service: the router's hook for tenant isolation and
 * private services. Asked once per request, after the {@link ServiceResolver} named an existing
 * service and before the request is balanced or queued. A denied request gets the same 404 as
 * an unknown service, so names do not leak.
 *
 * <p>Runs on a router event loop: it must be quick and must not block. It may change the
 * request's headers (to strip a platform token before the request reaches the VM, say); the
 * router adds its forwarding headers after it.
 */
@FunctionalInterface
public interface RequestGate {
    /** Admits everything: the router's default. */
    RequestGate ADMIT_ALL = (service, request) -> true;

    /**
     * @param service the resolved service name
     * @param request the request head (mutable headers)
     * @return true to route it, false to answer 404
     */
    boolean admit(String service, HttpRequest request);
}
