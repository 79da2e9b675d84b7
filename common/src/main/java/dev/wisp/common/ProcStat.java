package dev.wisp.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time from the kernel's {@code /proc/PID/stat}, in clock ticks (100 a second on every Linux we run on). */
public final class ProcStat {
    private ProcStat() {}

    /**
     * User plus system time (fields 14 and 15) of stat text; counted after the command name's
     * last {@code )}, as the name may hold spaces and parentheses.
     *
     * @throws RuntimeException if the text is not a stat line
     */
    public static long cpuTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** User plus system time of a live process in clock ticks; 0 once it is gone (or unreadable). */
    public static long cpuTicks(long pid) {
        try {
            return cpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
