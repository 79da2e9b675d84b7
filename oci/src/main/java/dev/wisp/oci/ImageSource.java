package dev.wisp.oci;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/** Where manifests and blobs are read from: a registry, or an OCI layout or archive on disk. */
interface ImageSource extends Closeable {

    /** A manifest or index as served, with the digest of its exact bytes. */
    record RawManifest(byte[] bytes, String mediaType, Digest digest) {}

    /** The manifest or index named by a tag or digest string. */
    RawManifest manifest(String reference) throws IOException;

    /** The blob's bytes, unverified: {@link BlobCache} checks size and digest. */
    InputStream blob(Descriptor descriptor) throws IOException;

    /** How to name this source in errors. */
    String describe();

    /** Releases an open archive; a registry holds nothing open. */
    @Override
    default void close() throws IOException {}
}
