package dev.wisp.sdk;

/** Instances per standby tier: running, paused, snapshotted. */
@ApiShape
public record TierCounts(Integer running, Integer paused, Integer snapshotted) {}
