package dev.wisp.sdk;

/** Answer of {@code POST /v1/functions/{name}/invocations}. */
@ApiShape
public record InvocationAccepted(String id) {}
