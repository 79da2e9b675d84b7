package dev.wisp.runtime.jail;

import dev.wisp.runtime.GuestMemory;
import dev.wisp.runtime.VmSpec;
import dev.wisp.runtime.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A VM's run directory made into its jail root: owned by root, group the VM's gid, mode 1770
 * (the VMM creates its sockets; the sticky bit keeps it from removing what the platform put
 * there), with an empty mount point for each thing bind-mounted in: the VMM image read-only,
 * kernel, initrd and disk read-only, the RAM file and volumes read-write, {@code /dev/kvm} under KVM.
 */
final class JailDirectory {
    static final String KERNEL = "kernel";
    static final String INITRD = "initrd";
    static final String DISK = "disk";

    /** Name in the jail of a stacked image's layer disk {@code i}. */
    static String layer(int i) {
        return "layer-" + i;
    }

    static final String MEMORY = "mem";
    /** Then the volume's index: {@code vol0}, {@code vol1}... */
    static final String VOLUME = "vol";

    static final String KVM = "dev/kvm";
    /** rwxrwx--T */
    private static final int ROOT_MODE = 01770;

    private final Path root;
    private final List<String> binds;

    private JailDirectory(Path root, List<String> binds) {
        this.root = root;
        this.binds = List.copyOf(binds);
    }

    /**
     * Prepares {@code root} (the VM's existing run directory) for a VMM running as {@code uid}, and
     * lets it open what it needs: files others may not read get the group every VMM has (only the
     * VMM whose jail holds a file can reach it), the RAM file is made group read-write for it.
     */
    static JailDirectory prepare(
            Path root, int uid, int sharedGroup, VmmImage image, VmSpec spec, GuestMemory memory, boolean kvm)
            throws IOException {
        Files.setAttribute(root, "unix:gid", uid);
        Files.setAttribute(root, "unix:mode", ROOT_MODE);
        List<String> binds = new ArrayList<>();
        for (String e : VmmImage.ENTRIES) {
            Files.createDirectories(root.resolve(e));
            binds.add(image.root().resolve(e) + ":" + e + ":ro");
        }
        file(root, KERNEL, spec.boot().kernel(), "ro", binds);
        file(root, INITRD, spec.boot().initrd(), "ro", binds);
        if (spec.boot().disk().isPresent()) {
            file(root, DISK, spec.boot().disk().get(), "ro", binds);
        }
        List<Path> layers = spec.boot().layers();
        for (int i = 0; i < layers.size(); i++) {
            file(root, layer(i), layers.get(i), "ro", binds);
            readableBy(layers.get(i), sharedGroup, false);
        }
        for (Path p : new ArrayList<>(List.of(spec.boot().kernel(), spec.boot().initrd()))) {
            readableBy(p, sharedGroup, false);
        }
        if (spec.boot().disk().isPresent()) {
            readableBy(spec.boot().disk().get(), sharedGroup, false);
        }
        List<Volume> volumes = spec.boot().volumes();
        for (int i = 0; i < volumes.size(); i++) {
            readableBy(volumes.get(i).file(), sharedGroup, true);
            file(root, VOLUME + i, volumes.get(i).file(), "rw", binds);
        }
        Path ram = switch (memory) {
            case GuestMemory.Anonymous a -> null;
            case GuestMemory.SharedFile s -> s.file();
            case GuestMemory.PrivateFile p -> p.file();
        };
        if (ram != null) {
            // QEMU 7.2 opens a RAM file read-write even to map it privately (a clone never writes it).
            readableBy(ram, sharedGroup, true);
            file(root, MEMORY, ram, "rw", binds);
        }
        if (kvm) {
            Files.createDirectories(root.resolve("dev"));
            file(root, KVM, Path.of("/dev/kvm"), "dev", binds);
        }
        return new JailDirectory(root, binds);
    }

    /** The volumes as a jailed VMM sees them: each file at {@code /volN}. */
    static List<Volume> volumesInJail(List<Volume> volumes) {
        List<Volume> inJail = new ArrayList<>();
        for (int i = 0; i < volumes.size(); i++) {
            Volume v = volumes.get(i);
            inJail.add(new Volume(v.name(), Path.of("/", VOLUME + i), v.mountPath()));
        }
        return inJail;
    }

    Path root() {
        return root;
    }

    /** {@code SRC:DST:MODE} for wisp-jail's {@code --bind}. */
    List<String> binds() {
        return binds;
    }

    private static void file(Path root, String name, Path source, String mode, List<String> binds) throws IOException {
        Path target = root.resolve(name);
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.createFile(target);
        }
        binds.add(source.toAbsolutePath() + ":" + name + ":" + mode);
    }

    private static void readableBy(Path file, int group, boolean write) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (!write && perms.contains(PosixFilePermission.OTHERS_READ)) {
            return;
        }
        Set<PosixFilePermission> need = write
                ? EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE)
                : EnumSet.of(PosixFilePermission.GROUP_READ);
        if (!Integer.valueOf(group).equals(Files.getAttribute(file, "unix:gid"))) {
            Files.setAttribute(file, "unix:gid", group);
        }
        if (!perms.containsAll(need)) {
            perms = EnumSet.copyOf(perms);
            perms.addAll(need);
            Files.setPosixFilePermissions(file, perms);
        }
    }
}
