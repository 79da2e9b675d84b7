package dev.wisp.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A revision's use of a volume: each instance mounts one of the volumes named {@code name},
 * {@code name-1}, {@code name-2}... (one per instance, as on Fly) at {@code path}, such as {@code /data}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VolumeMount(String name, String path) {}
