package dev.wisp.runtime.qemu;

import dev.wisp.runtime.Accelerator;
import dev.wisp.runtime.AcceleratorChoice;
import dev.wisp.runtime.BootSource;
import dev.wisp.runtime.VmException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Finds out whether KVM can boot a Linux guest here by trying: /dev/kvm existing is not enough
 * (under some nested hypervisors the kernel dies in KVM's instruction emulator). The probe boots
 * the real kernel with no root filesystem; reaching "Kernel panic ... VFS" means Linux ran.
 * The verdict is cached per QEMU binary and kernel so later starts cost nothing.
 */
record AcceleratorProbe(String qemuBinary, Path cacheFile) {
    private static final long PROBE_TIMEOUT_MS = 20_000;

    /** The verdict, and why, for logs. */
    record Verdict(Accelerator accelerator, String reason) {}

    Verdict choose(AcceleratorChoice choice, Path kernel) {
        return switch (choice) {
            case KVM -> {
                if (!kvmDeviceUsable()) {
                    throw new VmException("accelerator kvm forced, but /dev/kvm is missing or not accessible");
                }
                yield new Verdict(Accelerator.KVM, "forced");
            }
            case TCG -> new Verdict(Accelerator.TCG, "forced");
            case AUTO -> probe(kernel);
        };
    }

    private Verdict probe(Path kernel) {
        if (!kvmDeviceUsable()) {
            return new Verdict(Accelerator.TCG, "/dev/kvm missing or not accessible");
        }
        String key = cacheKey(kernel);
        Properties cache = readCache();
        String cached = cache.getProperty(key);
        if (cached != null) {
            return new Verdict(Accelerator.valueOf(cached), "cached probe result");
        }
        Verdict verdict = bootWithKvm(kernel);
        cache.setProperty(key, verdict.accelerator().name());
        writeCache(cache);
        return verdict;
    }

    private static boolean kvmDeviceUsable() {
        Path dev = Path.of("/dev/kvm");
        return Files.exists(dev) && Files.isReadable(dev) && Files.isWritable(dev);
    }

    private Verdict bootWithKvm(Path kernel) {
        List<String> cmd = new ArrayList<>(List.of(qemuBinary, "-M", "microvm", "-accel", "kvm", "-cpu", "host"));
        cmd.addAll(List.of("-m", "128"));
        cmd.addAll(QemuCommandLine.BARE_MACHINE);
        cmd.addAll(List.of("-serial", "stdio", "-kernel", kernel.toString()));
        cmd.addAll(List.of(
                "-append",
                String.join(" ", BootSource.BASE_KERNEL_PARAMETERS).replace("quiet", "") + " root=/dev/null"));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Verdict(Accelerator.TCG, "KVM probe could not start " + qemuBinary + ": " + e.getMessage());
        }
        AtomicReference<Verdict> verdict = new AtomicReference<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null && verdict.get() == null) {
                    if (line.contains("KVM internal error") || line.contains("failed to initialize kvm")) {
                        verdict.set(new Verdict(Accelerator.TCG, "KVM cannot boot Linux here: " + line.strip()));
                    } else if (line.contains("Kernel panic") || line.contains("VFS:") || line.contains("Run /init")) {
                        verdict.set(new Verdict(Accelerator.KVM, "KVM booted the guest kernel"));
                    }
                }
            } catch (IOException ignored) {
                // The process is killed below once a verdict is in.
            }
        });
        try {
            long deadline = System.currentTimeMillis() + PROBE_TIMEOUT_MS;
            while (verdict.get() == null && p.isAlive() && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            reader.join(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            p.destroyForcibly();
        }
        Verdict v = verdict.get();
        return v != null
                ? v
                : new Verdict(
                        Accelerator.TCG, "KVM probe boot showed no sign of Linux in " + PROBE_TIMEOUT_MS / 1000 + " s");
    }

    private String cacheKey(Path kernel) {
        try {
            Path qemu = resolveBinary();
            return "v1|" + qemu + "|" + Files.size(qemu) + "|"
                    + Files.getLastModifiedTime(qemu).toMillis() + "|" + kernel.toAbsolutePath() + "|"
                    + Files.size(kernel);
        } catch (IOException e) {
            return "v1|" + qemuBinary + "|" + kernel.toAbsolutePath();
        }
    }

    private Path resolveBinary() {
        Path p = Path.of(qemuBinary);
        if (p.isAbsolute()) {
            return p;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path c = Path.of(dir, qemuBinary);
            if (Files.isExecutable(c)) {
                return c;
            }
        }
        return p;
    }

    private Properties readCache() {
        Properties props = new Properties();
        if (Files.isRegularFile(cacheFile)) {
            try (var in = Files.newInputStream(cacheFile)) {
                props.load(in);
            } catch (IOException e) {
                // A damaged cache only costs a new probe.
            }
        }
        return props;
    }

    private void writeCache(Properties props) {
        try {
            Files.createDirectories(cacheFile.getParent());
            Path tmp = cacheFile.resolveSibling(cacheFile.getFileName() + ".tmp");
            try (var out = Files.newOutputStream(tmp)) {
                props.store(out, "Wisp accelerator probe verdicts");
            }
            Files.move(
                    tmp,
                    cacheFile,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // Not cached: the next start probes again.
        }
    }
}
