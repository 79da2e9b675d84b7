package dev.wisp.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** A tenant's limits; a create, deploy or scale past one answers 422 {@code quota_exceeded}. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Quota(Integer vcpus, Integer memoryMiB, Integer instances, Integer images) {}
