package dev.wisp.sdk;

/** One change, as listed by {@code /events} and streamed by {@code GET /v1/events} (server-sent events). */
@ApiShape
public record Event(Long seq, String at, String kind, String service, String tenant, String instance, String detail) {}
