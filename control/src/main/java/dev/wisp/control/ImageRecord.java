package dev.wisp.control;

/** A tenant's claim on an image in the image store, stored under {@code /images/<tenant>/<id>}. */
record ImageRecord(String id, String tenant, long sizeBytes, String createdAt) {}
