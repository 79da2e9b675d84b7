package dev.wisp.sdk;

/** Body of {@code POST /v1/services/{name}/rollback}. */
@ApiShape
public record RollbackRequest(Integer revision) {}
