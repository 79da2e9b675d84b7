/**
 * Container images from a registry, an OCI layout or archive, or a {@code docker save} archive,
 * without Docker: {@link
 * dev.wisp.oci.ImageReference} parses the reference, {@link dev.wisp.oci.RegistryClient} speaks
 * the OCI Distribution API (manifests, indexes resolved to linux/amd64, anonymous, Bearer and
 * basic auth, TLS with the system CAs or a CA file), {@link dev.wisp.oci.BlobCache} keeps verified
 * blobs by digest and shares them between images, and {@link dev.wisp.oci.LayerApplier} applies
 * layers in order (whiteouts, opaque directories, links, modes, owners; nothing escapes the root)
 * into a root tree. {@link dev.wisp.oci.ImagePuller} puts these together.
 * The image module makes the root tree an ext4 root disk.
 */
package dev.wisp.oci;
