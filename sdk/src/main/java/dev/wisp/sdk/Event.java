package dev.wisp.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** One change, as listed by {@code /events} and streamed by {@code GET /v1/events} (server-sent events). */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Event(Long seq, String at, String kind, String service, String tenant, String instance, String detail) {}
