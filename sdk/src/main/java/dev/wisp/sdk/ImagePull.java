package dev.wisp.sdk;

import java.util.List;

/**
 * Body of {@code POST /v1/images/pull}: an OCI image for the server to pull and build.
 *
 * @param ref        {@code host[:port]/name:tag}, {@code ...@sha256:HEX} or {@code oci:DIR} (on the server)
 * @param entrypoint replaces the image's Entrypoint and drops its Cmd; null keeps them
 * @param cmd        replaces the image's Cmd; null keeps it
 * @param port       the port the app listens on; null for the image's first exposed TCP port
 */
@ApiShape
public record ImagePull(String ref, List<String> entrypoint, List<String> cmd, Integer port) {
    /** The image as its config says to run it. */
    public static ImagePull of(String ref) {
        return new ImagePull(ref, null, null, null);
    }
}
