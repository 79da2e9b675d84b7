package dev.wisp.control;

/** A tenant as stored under {@code /tenants/<name>}. */
record TenantRecord(String name, Quota quota, String createdAt) {}
