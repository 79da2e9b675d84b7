package dev.wisp.sdk;

/** A tenant's limits; a create, deploy or scale past one answers 422 {@code quota_exceeded}. */
@ApiShape
public record Quota(Integer vcpus, Integer memoryMiB, Integer instances, Integer images) {}
