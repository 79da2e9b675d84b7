package dev.wisp.functions;

import java.util.List;

/**
 * The JVM flags of a guest too small for the JVM's defaults, and the command that picks them in the
 * guest at start from its {@code MemTotal}: one image serves every memory size, so they cannot be
 * chosen when it is built. Larger guests keep the flags they had.
 *
 * <p>Why (docs/kernel.md, "Smaller guests"): a 64 MiB guest on Wisp's kernel has 50 MiB of
 * {@code MemTotal}, 37 of them free once the initramfs is unpacked. With the default flags the
 * Java function runtime's JVM had 28 MB of private memory while still priming, the kernel dropped
 * nearly all of the JVM's own file pages (libjvm.so, the CDS archive) to make room, re-read them
 * without end, and the guest died. These flags cut the private memory to 21 MB, and it answers.
 */
final class SmallGuestJvm {
    /**
     * Guests with less {@code MemTotal} than this (kB) get {@link #FLAGS}: a 64 MiB guest (50 MiB of
     * it on Wisp's kernel), not a 96 MiB one (82 MiB), where the defaults started without
     * re-reading a page.
     */
    static final int BELOW_MEM_TOTAL_KB = 80 * 1024;
    /** Where the image holds {@link #FLAGS}: an argument file, so no shell quoting or globbing of {@code *.*}. */
    static final String ARGS_FILE = "/app/.wisp/small-guest.args";

    static final List<String> FLAGS = List.of(
            // The CDS archive mapped at the address it was dumped for, not relocated: its read-only
            // part stays file pages the kernel may drop and read again, instead of ~5 MB of copies.
            "-XX:+UnlockDiagnosticVMOptions",
            "-XX:ArchiveRelocationMode=0",
            // No compile may use more than 2 MiB: one C1 compile during start-up (the class-file
            // API's StackMapGenerator.processBlock) took 6.6 MB of arena, which glibc then kept.
            // The method runs interpreted instead; "quiet" keeps the JVM from echoing the command.
            "-XX:CompileCommand=quiet",
            "-XX:CompileCommand=MemLimit,*.*,2m",
            // The JVM's own memory does not shrink with the guest; the heap's ceiling must (it
            // follows the earlier -XX:MaxRAMPercentage=50), so a large heap ends in an
            // OutOfMemoryError, not in a guest without memory.
            "-XX:MaxRAMPercentage=25");

    private SmallGuestJvm() {}

    /**
     * The shell command that starts {@code java}: reads {@code MemTotal} with shell built-ins (no
     * process: under TCG each costs milliseconds), adds {@code @}{@link #ARGS_FILE} after
     * {@code flags} in a small guest, and execs the JVM.
     *
     * @param java  the JVM's path in the guest
     * @param flags the flags every guest gets
     * @param rest  class path, main class and arguments, shell-ready
     */
    static String command(String java, List<String> flags, String rest) {
        return command(java, flags, rest, "/proc/meminfo");
    }

    /** {@link #command(String, List, String)} reading {@code meminfo} (a test's file) for the guest's memory. */
    static String command(String java, List<String> flags, String rest, String meminfo) {
        return "while read -r k v _; do [ \"$k\" = MemTotal: ] && break; done < " + meminfo + "; a=;"
                + " [ \"$v\" -lt " + BELOW_MEM_TOTAL_KB + " ] && a=@" + ARGS_FILE + ";"
                + " exec " + java + " " + String.join(" ", flags) + " $a " + rest;
    }
}
