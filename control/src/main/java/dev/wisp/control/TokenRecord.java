package dev.wisp.control;

/**
 * A token as stored under {@code /tokens/<sha256>}: the hash is the key, the token itself is
 * never stored.
 */
record TokenRecord(String id, String tenant, String hash, boolean admin, String createdAt) {}
