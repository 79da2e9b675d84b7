package dev.wisp.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** Standby policy ({@code always-on|pause|snapshot}) and the idle durations (strings such as {@code "1s"}) before each tier. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Standby(String policy, String pauseAfter, String snapshotAfter, String retireAfter) {}
