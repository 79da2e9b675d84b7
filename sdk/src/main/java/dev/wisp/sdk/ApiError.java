package dev.wisp.sdk;

/** The inner object of every error answer {@code {"error": {"code": ..., "message": ...}}}. */
@ApiShape
public record ApiError(String code, String message) {}
