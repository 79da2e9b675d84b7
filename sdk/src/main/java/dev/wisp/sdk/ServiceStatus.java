package dev.wisp.sdk;

/** Read-only status of a service: whether it serves and its instances per tier. */
@ApiShape
public record ServiceStatus(Boolean ready, TierCounts instances) {}
