package dev.wisp.runtime;

import dev.wisp.common.WispHome;
import dev.wisp.runtime.jail.JailConfig;
import dev.wisp.runtime.net.NetworkConfig;
import dev.wisp.runtime.vmm.VmmChoice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the runtime runs VMs on this host.
 *
 * @param home        Wisp's state directory (probe cache); {@code $WISP_HOME}, else {@code ~/.wisp}
 * @param runDirectory where each running VM gets its private directory (control sockets, console
 *                    log). Unix socket paths are limited to 107 bytes, so keep it short.
 * @param qemuBinary  the QEMU system emulator to run (a path, or a name on {@code PATH})
 * @param accelerator AUTO probes KVM and falls back to TCG
 * @param stopGrace   how long a VMM may take to quit before it is killed
 * @param vmmPool     most VMM processes kept started ahead for restores and clones (0: none);
 *                    each idle one costs about 15 MB and no CPU
 * @param jail        how VMMs are jailed (own uid, namespaces, cgroup limits); off without root
 * @param network     guest networking: TAP per VM where possible ({@code AUTO}), or user networking
 */
public record RuntimeConfig(
        Path home,
        Path runDirectory,
        String qemuBinary,
        AcceleratorChoice accelerator,
        Duration stopGrace,
        int vmmPool,
        JailConfig jail,
        NetworkConfig network) {
    /** Default {@link #vmmPool}: enough for a burst of wakes of one or two services. */
    public static final int DEFAULT_VMM_POOL = 2;

    /** Longest run directory that leaves room for {@code /<id>/migrate-out.sock} under the socket limit. */
    static final int MAX_RUN_DIR_LENGTH = 40;

    public RuntimeConfig {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(runDirectory, "runDirectory");
        Objects.requireNonNull(qemuBinary, "qemuBinary");
        Objects.requireNonNull(accelerator, "accelerator");
        stopGrace = stopGrace == null ? Duration.ofSeconds(3) : stopGrace;
        jail = jail == null ? JailConfig.OFF : jail;
        network = network == null ? NetworkConfig.AUTO : network;
        if (vmmPool < 0) {
            throw new IllegalArgumentException("vmmPool must be >= 0, got " + vmmPool);
        }
        if (runDirectory.toAbsolutePath().toString().length() > MAX_RUN_DIR_LENGTH) {
            throw new IllegalArgumentException("run directory " + runDirectory + " is longer than " + MAX_RUN_DIR_LENGTH
                    + " characters; VM control sockets would not fit the Unix socket path limit");
        }
    }

    /**
     * Defaults: {@code $WISP_HOME} or {@code ~/.wisp}, runs under {@code /tmp/wisp-<uid>}, the QEMU
     * {@link VmmChoice} picks ({@code -Dwisp.vmm}, else Wisp's lean build where built, else Debian's),
     * AUTO accelerator, VMMs jailed when this process is root, guests on TAP where possible.
     */
    public static RuntimeConfig defaults() {
        Path home = WispHome.resolve();
        return new RuntimeConfig(
                home,
                Path.of("/tmp", "wisp-" + userName()),
                VmmChoice.resolve(System.getProperty(VmmChoice.PROPERTY), home),
                AcceleratorChoice.AUTO,
                Duration.ofSeconds(3),
                DEFAULT_VMM_POOL,
                JailConfig.forThisProcess(),
                NetworkConfig.AUTO);
    }

    public RuntimeConfig withAccelerator(AcceleratorChoice choice) {
        return new RuntimeConfig(home, runDirectory, qemuBinary, choice, stopGrace, vmmPool, jail, network);
    }

    public RuntimeConfig withQemuBinary(String binary) {
        return new RuntimeConfig(home, runDirectory, binary, accelerator, stopGrace, vmmPool, jail, network);
    }

    public RuntimeConfig withRunDirectory(Path dir) {
        return new RuntimeConfig(home, dir, qemuBinary, accelerator, stopGrace, vmmPool, jail, network);
    }

    public RuntimeConfig withHome(Path dir) {
        return new RuntimeConfig(dir, runDirectory, qemuBinary, accelerator, stopGrace, vmmPool, jail, network);
    }

    public RuntimeConfig withVmmPool(int size) {
        return new RuntimeConfig(home, runDirectory, qemuBinary, accelerator, stopGrace, size, jail, network);
    }

    public RuntimeConfig withJail(JailConfig j) {
        return new RuntimeConfig(home, runDirectory, qemuBinary, accelerator, stopGrace, vmmPool, j, network);
    }

    public RuntimeConfig withNetwork(NetworkConfig n) {
        return new RuntimeConfig(home, runDirectory, qemuBinary, accelerator, stopGrace, vmmPool, jail, n);
    }

    private static String userName() {
        return System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_-]", "");
    }
}
