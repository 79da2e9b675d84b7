package dev.wisp.runtime.vmm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What Wisp's lean QEMU is configured with: the x86_64 system emulator with TCG and KVM, the microvm
 * machine and only the devices {@code QemuCommandLine} puts on it, user networking (slirp), TAP,
 * seccomp, memory backends, migration and QMP; no capstone, no crypto libraries, no display, audio,
 * USB or block drivers beyond raw files, no docs, no tools. Its text is kept beside the binary and
 * names the build folder by hash, so a changed configuration never reuses an old build.
 */
final class LeanQemuConfig {
    /** The file beside {@code bin/} that holds {@link #text()}: how a binary is known to be Wisp's build. */
    static final String FILE_NAME = "wisp-vmm.config";
    /** The devices file QEMU's configure is pointed at ({@code configs/devices/x86_64-softmmu/wisp.mak}). */
    static final String DEVICES_NAME = "wisp";

    /**
     * The devices: microvm selects its own (serial port, RTC, IOAPIC, virtio-mmio transports); the
     * rest are the ones on Wisp's command line.
     */
    static final String DEVICES = """
            CONFIG_MICROVM=y
            CONFIG_VIRTIO_MMIO=y
            CONFIG_VIRTIO_BLK=y
            CONFIG_VIRTIO_NET=y
            CONFIG_SERIAL_ISA=y
            """;

    /**
     * Configure's flags after {@code --with-devices-x86_64}. The prefix and firmware path are
     * Debian's, so the binary finds qboot where Debian's does (and, in a jail, at
     * {@code <bin>/../share/qemu}). malloc-trim gives freed heap back after RCU frees it.
     */
    static final List<String> FLAGS = List.of(
            "--prefix=/usr",
            "--firmwarepath=/usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu",
            "--target-list=x86_64-softmmu",
            "--without-default-features",
            "--without-default-devices",
            "--with-devices-x86_64=" + DEVICES_NAME,
            "--enable-kvm",
            "--enable-tcg",
            "--enable-slirp",
            "--enable-seccomp",
            "--enable-fdt=system",
            "--enable-malloc-trim",
            "--disable-docs",
            "--disable-tools",
            "--disable-user",
            "--audio-drv-list=",
            "--disable-install-blobs",
            "--disable-werror");

    /** Wisp's patch on top of Debian's (applied after them): what a microvm-only build needs to link. */
    static final String PATCH_NAME = "wisp-qemu.patch";

    private static final int HASH_CHARS = 12;

    private LeanQemuConfig() {}

    /** The devices file's content. */
    static String devicesFile() {
        return "# Wisp's lean QEMU: the microvm machine and the devices Wisp's command line uses.\n" + DEVICES;
    }

    /** Everything that decides the build, as kept beside the binary. */
    static String text() {
        return "# configure\n" + String.join("\n", FLAGS) + "\n# devices\n" + DEVICES + "# " + PATCH_NAME + "\n"
                + patch();
    }

    /** The patch's text (a class-path resource beside this class). */
    static String patch() {
        try (InputStream in = LeanQemuConfig.class.getResourceAsStream(PATCH_NAME)) {
            if (in == null) {
                throw new IllegalStateException(PATCH_NAME + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code <source version>-<12 hex of sha256(text, source version)>}. */
    static String folderName(String sourceVersion) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(text().getBytes(StandardCharsets.UTF_8));
            sha.update(("\nsource " + sourceVersion + "\n").getBytes(StandardCharsets.UTF_8));
            return sourceVersion + "-" + HexFormat.of().formatHex(sha.digest()).substring(0, HASH_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
    }

    /** Whether a build folder of that name was made with this configuration (of any source version). */
    static boolean builtInto(String folderName) {
        int dash = folderName.lastIndexOf('-');
        return dash > 0 && folderName.equals(folderName(folderName.substring(0, dash)));
    }
}
