package dev.wisp.oci;

import java.util.List;

/**
 * An image pulled and unpacked.
 *
 * @param reference      what was asked for
 * @param manifestDigest digest of the linux/amd64 image manifest (not of the index it was picked from)
 * @param config         the image's run configuration
 * @param layers         layer digests in the order they were applied
 * @param rootFs         the unpacked root tree
 */
public record PulledImage(
        ImageReference reference, Digest manifestDigest, ImageConfig config, List<Digest> layers, RootFs rootFs) {
    public PulledImage {
        layers = List.copyOf(layers);
    }
}
