package dev.wisp.runtime;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a guest boots from: an uncompressed ELF kernel (entered through PVH), an initramfs and
 * an optional read-only disk, kernel parameters of the image's own, and the app's environment.
 *
 * <p>The environment never goes on the kernel command line (which any local user reads in
 * {@code ps}): the guest agent asks for it on the console before it starts the app
 * (docs/guest-protocol.md). It is not printed by {@link #toString()} and never written to disk.
 *
 * @param kernel  ELF {@code vmlinux}
 * @param initrd  initramfs holding Wisp's guest init
 * @param disk    optional raw disk image attached read-only as virtio-blk
 * @param cmdline extra kernel parameters
 * @param env     the app's environment variables, at most {@value #MAX_ENV_BYTES} bytes in all
 * @param layers  more read-only raw disks attached after {@code disk} (the layer disks a stacked
 *                image's disk sits on; the guest finds each by its label), empty for most images
 * @param volumes persistent volumes attached read-write, at most {@value Volume#MAX_PER_VM}, each at
 *                its own mount path
 */
public record BootSource(
        Path kernel,
        Path initrd,
        Optional<Path> disk,
        List<String> cmdline,
        Map<String, String> env,
        List<Path> layers,
        List<Volume> volumes) {
    /** What the guest agent takes: every {@code NAME=value} plus a separator byte. */
    public static final int MAX_ENV_BYTES = 8192;

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * The guest keeps no TIME_WAIT connections. Under user networking the guest sees the host
     * client's port, and a VMM that restored a snapshot starts its connections' sequence numbers
     * over, below those of the connections the guest closed before the snapshot: a new connection
     * from a host port the guest still held in TIME_WAIT had its SYN answered with the old
     * connection's ACK, which the VMM reset, and waited for its SYN's retransmission, ~6-7 s
     * (docs/vmm.md, "Seconds-long wakes"). The guest's link to its VMM reorders nothing, so
     * TIME_WAIT guards against nothing here.
     */
    public static final String NO_TIME_WAIT = "sysctl.net.ipv4.tcp_max_tw_buckets=0";

    /**
     * Kernel parameters every Wisp guest gets. {@code tsc_early_khz}, {@code lpj} and
     * {@code no_timer_check} are not optional under TCG:
     * without them boots hang at "tsc: Unable to calibrate against PIT" about 4 times in 6; the
     * TSC rate is the host's ({@link HostTsc}), so the guest keeps the TSC as its clock.
     * {@code pci=off}: microvm has no PCI, and probing for it only costs time.
     * {@code tsc=reliable}: no clocksource watchdog on the TSC. Its only reference here is the
     * jiffies clock, which lags whenever the VMM waits for a host core, so on a busy host the
     * watchdog marked the TSC unstable and the guest fell back to {@code refined-jiffies}: no
     * high-resolution timers, so no tickless idle, 250 timer interrupts a second in an idle guest
     * (docs/kernel.md, "Idle cost"). The TSC is the host's counter (TCG) or KVM's stable one.
     */
    public static final List<String> BASE_KERNEL_PARAMETERS = List.of(
            "console=ttyS0",
            "quiet",
            "panic=-1",
            "reboot=t",
            "pci=off",
            "tsc_early_khz=" + HostTsc.khz(),
            "lpj=8000000",
            "no_timer_check",
            "tsc=reliable",
            NO_TIME_WAIT);

    /**
     * No IPv6 on the guest's link: Wisp offers guests none (user networking reaches nothing outside, TAP's
     * firewall drops IPv6; docs/networking.md), yet the link's address configuration (link-local address,
     * duplicate address detection, router solicitations, slirp's router advertisements, MLD reports) ran in
     * every guest, and in every clone again after its restore: most of the code a restored clone translated
     * (docs/vmm.md). Off for every interface from boot, so {@code eth0} never starts it...
     */
    public static final String NO_IPV6_ON_LINK = "ipv6.disable_ipv6=1";

    /**
     * ...and back on for {@code lo} before init runs, so {@code ::1} (in {@code /etc/hosts}) and IPv6
     * listeners on it work as before. Only on Wisp's kernel: its IPv6 is built in, so {@code lo}'s setting
     * exists when the kernel applies {@code sysctl.} parameters; a kernel with IPv6 as a module would
     * load it later and leave {@code lo} without {@code ::1}.
     */
    public static final String IPV6_ON_LOOPBACK = "sysctl.net.ipv6.conf.lo.disable_ipv6=0";

    /**
     * The guest's network as Wisp's kernel sets it up itself ({@code CONFIG_IP_PNP}): init's default
     * address and route (docs/guest-protocol.md), static, on {@code eth0}. Init then starts no
     * {@code ip} processes.
     */
    public static final String KERNEL_IP_PARAMETER = "ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off";

    /**
     * Kernel parameters only Wisp's own kernel gets (its config and patch; docs/kernel.md).
     * {@code lapic_timer_khz}: QEMU's and KVM's local APIC timers count at 1 GHz, so the kernel need
     * not calibrate it against the jiffies clock, two waits of 100 ms each at every boot.
     * {@link #KERNEL_IP_PARAMETER}: the network without four processes in init.
     * {@code noreplace-smp}: a one-vCPU guest keeps its {@code lock} prefixes instead of patching
     * each of them out of the kernel text one page mapping at a time, which under TCG (every patch
     * retranslates code and flushes QEMU's TLB) was the largest step of the guest kernel's boot:
     * about 130 ms of VMM CPU per cold boot (docs/kernel.md). With more vCPUs it changes nothing.
     * {@link #NO_IPV6_ON_LINK}: IPv6 stays on {@code lo} only.
     */
    public static final List<String> WISP_KERNEL_PARAMETERS =
            List.of("lapic_timer_khz=1000000", "noreplace-smp", KERNEL_IP_PARAMETER, NO_IPV6_ON_LINK, IPV6_ON_LOOPBACK);

    public BootSource {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(initrd, "initrd");
        disk = disk == null ? Optional.empty() : disk;
        cmdline = List.copyOf(cmdline == null ? List.of() : cmdline);
        env = checkedEnv(env);
        layers = List.copyOf(layers == null ? List.of() : layers);
        if (!layers.isEmpty() && disk.isEmpty()) {
            throw new IllegalArgumentException("layer disks without a disk on top of them");
        }
        volumes = List.copyOf(volumes == null ? List.of() : volumes);
        if (volumes.size() > Volume.MAX_PER_VM) {
            throw new IllegalArgumentException(
                    "at most " + Volume.MAX_PER_VM + " volumes per instance, got " + volumes.size());
        }
        if (volumes.stream().map(Volume::mountPath).distinct().count() < volumes.size()) {
            throw new IllegalArgumentException("two volumes share a mount path");
        }
    }

    /** A boot source with these layer disks and no volumes. */
    public BootSource(
            Path kernel,
            Path initrd,
            Optional<Path> disk,
            List<String> cmdline,
            Map<String, String> env,
            List<Path> layers) {
        this(kernel, initrd, disk, cmdline, env, layers, List.of());
    }

    /** A boot source with at most one disk and no volumes. */
    public BootSource(Path kernel, Path initrd, Optional<Path> disk, List<String> cmdline, Map<String, String> env) {
        this(kernel, initrd, disk, cmdline, env, List.of());
    }

    /** A boot source without environment variables. */
    public BootSource(Path kernel, Path initrd, Optional<Path> disk, List<String> cmdline) {
        this(kernel, initrd, disk, cmdline, Map.of(), List.of());
    }

    /** The same boot files with this environment for the app. */
    public BootSource withEnv(Map<String, String> env) {
        return new BootSource(kernel, initrd, disk, cmdline, env, layers, volumes);
    }

    /** @return every read-only disk, in the order they are attached: {@code disk}, then {@code layers} */
    public List<Path> disks() {
        List<Path> all = new ArrayList<>();
        disk.ifPresent(all::add);
        all.addAll(layers);
        return all;
    }

    /** The same boot files with these volumes attached. */
    public BootSource withVolumes(List<Volume> attached) {
        return new BootSource(kernel, initrd, disk, cmdline, env, layers, attached);
    }

    private static Map<String, String> checkedEnv(Map<String, String> env) {
        if (env == null || env.isEmpty()) {
            return Map.of();
        }
        int bytes = 0;
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            String value = Objects.requireNonNull(e.getValue(), "value of env " + name);
            if (!ENV_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("invalid env name '" + name.substring(0, Math.min(40, name.length()))
                        + "': use letters, digits and '_', not starting with a digit");
            }
            if (value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("env " + name + " holds a NUL character");
            }
            bytes += (name + "=" + value).getBytes(StandardCharsets.UTF_8).length + 1;
        }
        if (bytes > MAX_ENV_BYTES) {
            throw new IllegalArgumentException("env is " + bytes + " bytes; at most " + MAX_ENV_BYTES + " fit");
        }
        return Map.copyOf(env);
    }

    /** Names only: the values may be secrets, and records print every field. */
    @Override
    public String toString() {
        return "BootSource[kernel=" + kernel + ", initrd=" + initrd + ", disk="
                + disk.map(Path::toString).orElse("none") + (layers.isEmpty() ? "" : ", layers=" + layers)
                + ", cmdline=" + cmdline + ", env="
                + new TreeMap<>(env).keySet() + ", volumes=" + volumes + "]";
    }

    /** Fails with a one-line message naming the first boot file that is missing. */
    void checkFilesExist() {
        requireFile(kernel, "kernel");
        requireFile(initrd, "initrd");
        disk.ifPresent(d -> requireFile(d, "disk"));
        layers.forEach(d -> requireFile(d, "layer disk"));
        volumes.forEach(v -> requireFile(v.file(), "volume " + v.name()));
    }

    private static void requireFile(Path path, String what) {
        if (!Files.isRegularFile(path)) {
            throw new VmException(what + " not found: " + path);
        }
    }
}
