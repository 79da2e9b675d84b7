package dev.wisp.sdk;

/** Standby policy ({@code always-on|pause|snapshot}) and the idle durations (strings such as {@code "1s"}) before each tier. */
@ApiShape
public record Standby(String policy, String pauseAfter, String snapshotAfter, String retireAfter) {}
