package dev.wisp.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One console line of a service's instance: {@code at} is when the host read it (RFC 3339, UTC),
 * {@code stream} is {@code stdout}, {@code stderr} or {@code kernel} (everything the app did not print).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LogLine(String at, String instance, Integer revision, String stream, String text) {}
