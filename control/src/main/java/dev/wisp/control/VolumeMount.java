package dev.wisp.control;

/**
 * A revision's use of a volume: every instance mounts one of the volumes named {@code name},
 * {@code name-1}, {@code name-2}... (one per instance, as Fly attaches them) at {@code path}.
 */
record VolumeMount(String name, String path) {}
