package dev.wisp.image;

import java.nio.file.Path;
import java.util.function.IntFunction;

/**
 * The smallest guest memory a kernel boots Wisp's guests in. Wisp's own kernel is small and loads no
 * modules; Debian's cloud kernel and a user's own get the floor Wisp has always used.
 */
public final class KernelMemory {
    /** Wisp's own kernel: the hello app answers in 32 MiB. */
    public static final int WISP_KERNEL_FLOOR_MIB = 32;
    /** Debian's cloud kernel (and any other): unpacking it and its modules needs more. */
    public static final int DEFAULT_FLOOR_MIB = 64;
    /**
     * A guest that runs a JVM, on Wisp's kernel: the Java function runtime answers in 64 MiB with the
     * small-guest JVM flags (docs/kernel.md, "Smaller guests").
     */
    public static final int WISP_KERNEL_JVM_FLOOR_MIB = 64;
    /**
     * A guest that runs a JVM, on any other kernel: on Debian's a Java service's VMM died booting in
     * 64 MiB and it did not answer in 96 (docs/java-services.md, "Memory").
     */
    public static final int DEFAULT_JVM_FLOOR_MIB = 128;

    private KernelMemory() {}

    /** @return the minimum guest memory in MiB for this {@code vmlinux} (a path on this host) */
    public static int floorMib(Path vmlinux) {
        return KernelBuilder.isWispKernel(vmlinux) ? WISP_KERNEL_FLOOR_MIB : DEFAULT_FLOOR_MIB;
    }

    /** @return the minimum guest memory in MiB for a guest that runs a JVM on this {@code vmlinux} */
    public static int jvmFloorMib(Path vmlinux) {
        return KernelBuilder.isWispKernel(vmlinux) ? WISP_KERNEL_JVM_FLOOR_MIB : DEFAULT_JVM_FLOOR_MIB;
    }

    /**
     * Checks the size of a guest that runs a JVM against its floor on this kernel.
     *
     * @param what what runs the JVM, for the message (e.g. "a Java function")
     * @throws IllegalArgumentException saying the floor and which kernel sets it
     */
    public static void checkJvm(String what, int memoryMib, Path vmlinux) {
        requireAtLeast(
                memoryMib,
                vmlinux,
                WISP_KERNEL_JVM_FLOOR_MIB,
                DEFAULT_JVM_FLOOR_MIB,
                floor -> what + " needs at least " + floor + " MiB of memory",
                "with Wisp's own kernel it needs " + WISP_KERNEL_JVM_FLOOR_MIB);
    }

    /**
     * Checks a requested guest size against the kernel's floor.
     *
     * @throws IllegalArgumentException saying the floor and which kernel sets it
     */
    public static void check(int memoryMib, Path vmlinux) {
        requireAtLeast(
                memoryMib,
                vmlinux,
                WISP_KERNEL_FLOOR_MIB,
                DEFAULT_FLOOR_MIB,
                floor -> "memory must be at least " + floor + " MiB",
                "Wisp's own kernel boots in " + WISP_KERNEL_FLOOR_MIB + " MiB");
    }

    /** Refuses less than the floor of this kernel: {@code wispFloor} on Wisp's, else {@code otherFloor}. */
    private static void requireAtLeast(
            int memoryMib,
            Path vmlinux,
            int wispFloor,
            int otherFloor,
            IntFunction<String> needs,
            String onWispKernel) {
        boolean wisp = KernelBuilder.isWispKernel(vmlinux);
        int floor = wisp ? wispFloor : otherFloor;
        if (memoryMib < floor) {
            throw new IllegalArgumentException(needs.apply(floor) + " with " + (wisp ? "Wisp's kernel" : "this kernel")
                    + ", got " + memoryMib + (wisp ? "" : " (" + onWispKernel + ": wisp setup --kernel wisp)"));
        }
    }
}
