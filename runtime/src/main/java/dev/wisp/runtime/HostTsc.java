package dev.wisp.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The rate of the host's time-stamp counter, which a guest reads as its own TSC (TCG passes the
 * host's counter through; KVM keeps the host's rate unless told otherwise). The guest is told it
 * with {@code tsc_early_khz} because calibrating against the PIT hangs under TCG. A wrong rate
 * makes the guest's clocksource watchdog mark the TSC unstable half a second into boot and fall
 * back to {@code refined-jiffies}, a 4 ms clock.
 *
 * <p>Linux does not publish the TSC rate as such; x86's {@code bogomips} is twice it in MHz, since
 * the delay loop is calibrated from the TSC.
 */
final class HostTsc {
    /** What the guest is told where the host's rate cannot be read. */
    static final long FALLBACK_KHZ = 2_000_000;

    private static final long MIN_KHZ = 100_000;
    private static final long MAX_KHZ = 10_000_000;

    private HostTsc() {}

    /** The host's TSC rate in kHz, or {@link #FALLBACK_KHZ}. */
    static long khz() {
        try {
            return fromCpuinfo(Files.readAllLines(Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException e) {
            return FALLBACK_KHZ;
        }
    }

    /** The rate from the first {@code bogomips} line of a {@code /proc/cpuinfo}, or the fallback. */
    static long fromCpuinfo(List<String> lines) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0
                    || !line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("bogomips")) {
                continue;
            }
            try {
                long khz =
                        Math.round(Double.parseDouble(line.substring(colon + 1).trim()) * 500);
                return khz >= MIN_KHZ && khz <= MAX_KHZ ? khz : FALLBACK_KHZ;
            } catch (NumberFormatException e) {
                return FALLBACK_KHZ;
            }
        }
        return FALLBACK_KHZ;
    }
}
