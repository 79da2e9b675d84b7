package dev.wisp.runtime;

/**
 * What a saved state file holds, as a {@link Snapshot} records it: its size and CRC32C, checked
 * while the state loads.
 *
 * @param stateBytes  bytes in the state file
 * @param stateCrc32c CRC32C of those bytes
 */
public record SnapshotFiles(long stateBytes, long stateCrc32c) {}
