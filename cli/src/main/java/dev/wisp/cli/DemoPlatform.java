package dev.wisp.cli;

import dev.wisp.common.FileTrees;
import dev.wisp.control.ControlConfig;
import dev.wisp.control.ControlPlane;
import dev.wisp.image.Kernel;
import dev.wisp.runtime.Accelerator;
import dev.wisp.runtime.RuntimeConfig;
import dev.wisp.runtime.VmRuntime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Brings up the demo's platform: checks the ports, wipes the demo data directory (refusing while
 * another demo runs on it) and starts a {@link ControlPlane} that stops every instance on close.
 */
final class DemoPlatform {
    private DemoPlatform() {}

    /** Which accelerator instances will run on, and why: probed (and cached) without starting any VM. */
    static String accelerator(RuntimeConfig runtime, Kernel kernel) {
        try (VmRuntime probe = VmRuntime.start(runtime.withVmmPool(0), kernel.vmlinux())) {
            return probe.accelerator() == Accelerator.TCG
                    ? "TCG, QEMU's software emulation: KVM is missing or cannot boot Linux here ("
                            + probe.acceleratorReason()
                            + "); every step works, boots take seconds instead of a fraction"
                    : probe.accelerator() + " (" + probe.acceleratorReason() + ")";
        }
    }

    /** Checked before anything starts (and again at {@link #start}): a busy port is a usage error. */
    static void checkPorts(int apiPort, int routerPort) {
        requireFree(apiPort, "--api-port");
        requireFree(routerPort, "--router-port");
        if (apiPort != 0 && apiPort == routerPort) {
            throw new IllegalArgumentException("--api-port and --router-port are both " + apiPort + ": give two ports");
        }
    }

    static ControlPlane start(Path dir, Kernel kernel, RuntimeConfig runtime, int apiPort, int routerPort) {
        checkPorts(apiPort, routerPort);
        requireUnused(dir);
        FileTrees.delete(dir);
        ControlConfig config = ControlConfig.of(dir, kernel.vmlinux(), runtime)
                .withPorts(apiPort, routerPort)
                .withStopOnClose(true);
        return ControlPlane.start(config);
    }

    /** A clear word now beats a bind failure deep in Netty after the platform half started. */
    private static void requireFree(int port, String flag) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(flag + " must be 0..65535 (0 picks a free port), was " + port);
        }
        if (port == 0) {
            return;
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "port " + port + " is in use: pick another with " + flag + " (0 picks a free one)");
        }
    }

    /** Wiping the state of a demo still running (--keep) would pull the floor from under it. */
    private static void requireUnused(Path dir) {
        Path lock = dir.resolve("state").resolve("LOCK");
        if (!Files.isRegularFile(lock)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE);
                FileLock held = ch.tryLock()) {
            if (held == null) {
                throw new IllegalStateException("another wisp demo is running on " + dir + " (" + lock
                        + " is locked): stop it first (Ctrl-C in its terminal)");
            }
        } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
            throw new IllegalStateException("another wisp demo is running on " + dir + ": stop it first");
        }
    }
}
