package dev.wisp.image;

/** How the initramfs archive is compressed. */
public enum Compression {
    /** Plain cpio: nothing to inflate at boot. */
    NONE,
    /** gzip: smaller files, paid for by the guest kernel inflating it at every boot. */
    GZIP
}
