package dev.wisp.image;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Which guest kernel to boot: {@code wisp} (Wisp's own, built by {@link KernelBuilder}), {@code
 * debian} (Debian's cloud kernel, from {@link KernelProvisioner}) or a user's {@code vmlinux} file.
 * Without a choice, Wisp's kernel where it has been built, else Debian's.
 */
public final class KernelChoice {
    /** The names {@link #resolve} takes besides a file. */
    public static final String WISP = "wisp";

    public static final String DEBIAN = "debian";

    private KernelChoice() {}

    /**
     * Resolves a choice to a kernel, provisioning Debian's on first use; never builds Wisp's.
     *
     * @param choice {@code wisp}, {@code debian}, a path to a vmlinux, or null for the default
     * @param modules modules folder for a user's file (null when its drivers are built in)
     * @throws IllegalArgumentException if Wisp's kernel is asked for but not built, or the file is no kernel
     */
    public static Kernel resolve(String choice, Path home, Path modules) {
        if (choice == null || choice.isBlank()) {
            Optional<Kernel> wisp = new KernelBuilder(home).cached();
            return wisp.isPresent() ? wisp.get() : new KernelProvisioner(home).ensure();
        }
        if (modules != null && (choice.equals(WISP) || choice.equals(DEBIAN))) {
            throw new IllegalArgumentException("--modules goes with --kernel FILE, not --kernel " + choice);
        }
        return switch (choice) {
            case WISP ->
                new KernelBuilder(home)
                        .cached()
                        .orElseThrow(() -> new IllegalArgumentException(
                                "Wisp's kernel is not built here: run `wisp setup --kernel wisp` first"));
            case DEBIAN -> new KernelProvisioner(home).ensure();
            default -> Kernel.fromUser(Path.of(choice), modules);
        };
    }

    /** A short name for reports: {@code wisp}, {@code debian} or {@code custom}. */
    public static String nameOf(Kernel kernel) {
        if (KernelBuilder.isWispKernel(kernel.vmlinux())) {
            return WISP;
        }
        return kernel.modulesDir() != null && kernel.version().contains("cloud") ? DEBIAN : "custom";
    }
}
