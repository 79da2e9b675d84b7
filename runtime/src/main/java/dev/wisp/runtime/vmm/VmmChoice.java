package dev.wisp.runtime.vmm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which QEMU runs the VMs: {@code wisp} (Wisp's lean build, made by {@link VmmBuilder}), {@code
 * debian} (Debian's {@code qemu-system-x86_64} on {@code PATH}) or a user's own binary. Without a
 * choice, Wisp's build where it has been built, else Debian's.
 */
public final class VmmChoice {
    /** System property with the choice for one JVM (the tests: {@code -Dwisp.vmm=debian}). */
    public static final String PROPERTY = "wisp.vmm";

    public static final String WISP = "wisp";
    public static final String DEBIAN = "debian";
    /** Debian's binary, found on {@code PATH}. */
    public static final String DEBIAN_BINARY = "qemu-system-x86_64";

    private VmmChoice() {}

    /**
     * Resolves a choice to the binary to run; never builds.
     *
     * @param choice {@code wisp}, {@code debian}, a path to an executable, or null for the default
     * @throws IllegalArgumentException if Wisp's build is asked for but not built, or the file is no executable
     */
    public static String resolve(String choice, Path home) {
        if (choice == null || choice.isBlank()) {
            Optional<Path> wisp = new VmmBuilder(home).cached();
            return wisp.isPresent() ? wisp.get().toString() : DEBIAN_BINARY;
        }
        return switch (choice) {
            case WISP ->
                new VmmBuilder(home)
                        .cached()
                        .orElseThrow(() -> new IllegalArgumentException(
                                "Wisp's QEMU is not built here: run `wisp setup --vmm wisp` first"))
                        .toString();
            case DEBIAN -> DEBIAN_BINARY;
            default -> userBinary(choice);
        };
    }

    /** A short name for reports: {@code wisp}, {@code debian} or {@code custom}. */
    public static String nameOf(String binary) {
        if (binary.equals(DEBIAN_BINARY)) {
            return DEBIAN;
        }
        return VmmBuilder.isWispVmm(Path.of(binary)) ? WISP : "custom";
    }

    private static String userBinary(String choice) {
        Path p = Path.of(choice);
        if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
            throw new IllegalArgumentException(
                    "VMM '" + choice + "' is not an executable file (wisp, debian or a path)");
        }
        return p.toAbsolutePath().toString();
    }
}
