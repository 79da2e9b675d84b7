package dev.wisp.oci;

import com.fasterxml.jackson.databind.JsonNode;

/** A content descriptor: what a manifest or index points at. {@code platform} is set in an index only. */
record Descriptor(String mediaType, Digest digest, long size, Platform platform, String refName) {

    /** An image's target platform as an index lists it. */
    record Platform(String os, String architecture, String variant) {
        @Override
        public String toString() {
            return os + "/" + architecture + (variant == null || variant.isEmpty() ? "" : "/" + variant);
        }
    }

    static Descriptor from(JsonNode n, String where) {
        if (n == null || !n.isObject()) {
            throw new OciException(where + ": descriptor is not an object");
        }
        String mediaType = n.path("mediaType").asText("");
        JsonNode digest = n.get("digest");
        JsonNode size = n.get("size");
        if (digest == null || !digest.isTextual() || size == null || !size.canConvertToLong() || size.asLong() < 0) {
            throw new OciException(where + ": descriptor without a valid digest and size");
        }
        Platform platform = null;
        JsonNode p = n.get("platform");
        if (p != null && p.isObject()) {
            platform = new Platform(
                    p.path("os").asText(""),
                    p.path("architecture").asText(""),
                    p.path("variant").asText(""));
        }
        String refName =
                n.path("annotations").path("org.opencontainers.image.ref.name").asText(null);
        return new Descriptor(mediaType, Digest.parse(digest.asText()), size.asLong(), platform, refName);
    }
}
