package dev.wisp.sdk;

/** Every error answer of the API: {@code {"error": {"code": ..., "message": ...}}}. */
@ApiShape
public record ErrorBody(ApiError error) {}
