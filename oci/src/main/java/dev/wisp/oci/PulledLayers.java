package dev.wisp.oci;

import java.util.List;

/**
 * An image pulled layer by layer ({@link ImagePuller#pullLayers}).
 *
 * @param reference      what was asked for
 * @param manifestDigest digest of the linux/amd64 image manifest
 * @param config         the image's run configuration
 * @param chainIds       the chain id of each layer, bottom first
 */
public record PulledLayers(ImageReference reference, Digest manifestDigest, ImageConfig config, List<Digest> chainIds) {
    public PulledLayers {
        chainIds = List.copyOf(chainIds);
    }
}
