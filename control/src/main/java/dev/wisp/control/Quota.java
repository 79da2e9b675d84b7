package dev.wisp.control;

/**
 * A tenant's ceilings. Services count against them by what they may grow to: {@code max}
 * instances, each of its revision's size; images by count. {@code memoryMiB} is int32 like every
 * memory figure of the API (up to 2 PiB); usage is summed as a long.
 */
record Quota(int vcpus, int memoryMiB, int instances, int images) {
    /** New tenants get this unless the request names a quota. */
    static final Quota DEFAULT = new Quota(16, 16_384, 40, 20);
    /** The tenant {@code default} on a single machine: room for what one host can run. */
    static final Quota UNLIMITED_HOST = new Quota(1024, 1_048_576, 10_000, 1000);
}
