package dev.wisp.oci;

/**
 * Bounds on what a pull may write.
 *
 * @param maxBytes bytes of regular-file content extracted over all layers
 * @param maxFiles entries (files, directories, links) extracted over all layers
 */
public record Limits(long maxBytes, long maxFiles) {
    public Limits {
        if (maxBytes <= 0 || maxFiles <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** 4 GiB and 500,000 entries. */
    public static Limits defaults() {
        return new Limits(4L << 30, 500_000);
    }
}
