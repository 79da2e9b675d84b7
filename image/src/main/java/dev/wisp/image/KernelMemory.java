package dev.wisp.image;

import java.nio.file.Path;

/**
 * The smallest guest memory a kernel boots Wisp's guests in. Wisp's own kernel is small and loads no
 * modules; Debian's cloud kernel and a user's own get the floor Wisp has always used.
 */
public final class KernelMemory {
    /** Wisp's own kernel: the hello app answers in 32 MiB. */
    public static final int WISP_KERNEL_FLOOR_MIB = 32;
    /** Debian's cloud kernel (and any other): unpacking it and its modules needs more. */
    public static final int DEFAULT_FLOOR_MIB = 64;

    private KernelMemory() {}

    /** @return the minimum guest memory in MiB for this {@code vmlinux} (a path on this host) */
    public static int floorMib(Path vmlinux) {
        return KernelBuilder.isWispKernel(vmlinux) ? WISP_KERNEL_FLOOR_MIB : DEFAULT_FLOOR_MIB;
    }

    /**
     * Checks a requested guest size against the kernel's floor.
     *
     * @throws IllegalArgumentException saying the floor and which kernel sets it
     */
    public static void check(int memoryMib, Path vmlinux) {
        int floor = floorMib(vmlinux);
        if (memoryMib < floor) {
            throw new IllegalArgumentException("memory must be at least " + floor + " MiB with "
                    + (floor == WISP_KERNEL_FLOOR_MIB ? "Wisp's kernel" : "this kernel") + ", got " + memoryMib
                    + (floor == WISP_KERNEL_FLOOR_MIB
                            ? ""
                            : " (Wisp's own kernel boots in " + WISP_KERNEL_FLOOR_MIB
                                    + " MiB: wisp setup --kernel wisp)"));
        }
    }
}
