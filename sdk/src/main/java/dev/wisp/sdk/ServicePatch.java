package dev.wisp.sdk;

/** Body of {@code PATCH /v1/services/{name}}: the fields given change, null ones stay; no new revision. */
@ApiShape
public record ServicePatch(Scaling scaling, Standby standby, String access) {}
