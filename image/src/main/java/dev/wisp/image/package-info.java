/**
 * Guest images: an app (a folder, a static binary, Debian packages) packed with Wisp's guest init
 * and agent into an initramfs, and big apps onto a read-only ext4 disk, content-addressed by
 * {@link dev.wisp.image.ImageDigest} (every file the guest gets, entrypoint and port) in an
 * {@link dev.wisp.image.ImageStore}; and the guest kernel ({@link dev.wisp.image.KernelProvisioner}).
 *
 * <pre>
 *   ImageBuilder ── RootTree ──> CpioWriter (deterministic newc) ──> initrd.img
 *        │            └─ GuestFiles: busybox, the agent as /init (GuestAgent: guest/agent/, gcc), /wisp/init (guest/init)
 *        ├─ DebPackages (apt-get download + unpack)     └─ Ext4Image (mkfs.ext4 -d) ──> disk.ext4
 *        └─ ImageStore: image folders by id, image.json beside the files
 * </pre>
 *
 * <p>This module knows nothing of VMs: the runtime boots what it builds. The host/guest protocol
 * is in docs/guest-protocol.md.
 */
package dev.wisp.image;
