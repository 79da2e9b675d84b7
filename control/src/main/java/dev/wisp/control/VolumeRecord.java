package dev.wisp.control;

/**
 * A tenant's persistent volume as stored under {@code /volumes/<tenant>/<name>}; its disk is
 * {@code volumes/<tenant>/<name>.ext4} in the data directory.
 */
record VolumeRecord(String tenant, String name, long sizeBytes, String createdAt) {}
