package dev.wisp.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How a function's async invocations are retried: {@code maxAttempts} in all (1-10), waiting
 * {@code initialBackoff} (e.g. {@code 1s}), doubled each time, at most {@code maxBackoff}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RetrySettings(Integer maxAttempts, String initialBackoff, String maxBackoff) {}
