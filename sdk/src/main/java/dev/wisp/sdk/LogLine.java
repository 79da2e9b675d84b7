package dev.wisp.sdk;

/**
 * One console line of a service's instance: {@code at} is when the host read it (RFC 3339, UTC),
 * {@code stream} is {@code stdout}, {@code stderr} or {@code kernel} (everything the app did not print).
 */
@ApiShape
public record LogLine(String at, String instance, Integer revision, String stream, String text) {}
