package dev.wisp.runtime.qemu;

import dev.wisp.runtime.Accelerator;
import java.util.Locale;

/**
 * How big TCG's translation cache may grow, and whether a paused VM keeps it: the {@code -accel}
 * option. Translated code is most of an idle VMM's own memory (docs/vmm.md, "Lighter VMMs").
 *
 * @param tbSizeMib   {@code tb-size}: the cache's cap in MiB, 0 for QEMU's default (up to 1 GiB)
 * @param flushOnStop {@code flush-on-stop}: drop the code, and give its pages back, when the VM is
 *                    paused (an option of Wisp's own QEMU build only; off unless asked for)
 */
record TcgCache(int tbSizeMib, boolean flushOnStop) {
    /**
     * System property capping the cache, in MiB, for every VMM; unset keeps the defaults below, 0
     * QEMU's own (no cap).
     */
    static final String TB_SIZE_PROPERTY = "wisp.tcg.tbSizeMib";

    /**
     * System property: {@code true} drops a paused VM's translated code (Wisp's build only). Off by
     * default: it takes a paused VM's own memory from ~12 to ~7 MiB, but its wake then translates
     * everything afresh, 354 ms against raw QEMU's 12.8 ms resume under load (docs/vmm.md): slower
     * than a wake from a snapshot, which holds no memory at all.
     */
    static final String FLUSH_ON_STOP_PROPERTY = "wisp.tcg.flushOnStop";

    /**
     * System property: {@code true} drops the code a restored guest translated on its way to ready
     * (its restore and re-identify) before it takes requests (Wisp's build only). Off by default: it
     * takes an idle clone's own memory from ~11.4 to ~8.8 MiB, but the first request then translates
     * what the restore had already translated, +17-30 ms from a snapshot and +70-105 ms from a
     * template under load (docs/vmm.md, "Toward 10 MiB").
     */
    static final String FLUSH_WHEN_SETTLED_PROPERTY = "wisp.tcg.flushWhenSettled";

    /** Largest cap accepted: QEMU's own default. */
    static final int MAX_TB_SIZE_MIB = 1024;

    /**
     * The cap for a VMM that loads a guest (a clone, a restore, a pool VMM): a bound, not a diet.
     * Such a guest translates ~7 MiB on its way to idle, so this cap leaves an idle VM as it is; it
     * keeps a VM that once served a burst from holding its code for good (Wisp's build gives a
     * flushed cache's pages back). 4 MiB would bring an idle clone near 10 MiB of its own, but a
     * busy guest's code does not fit: {@code hey} got 13 requests/s against 134-159 with 16 MiB or
     * none (docs/vmm.md). A cold boot translates the whole kernel boot (~26 MiB) and gets no cap.
     */
    static final int INCOMING_TB_SIZE_MIB = 16;

    TcgCache {
        if (tbSizeMib < 0 || tbSizeMib > MAX_TB_SIZE_MIB) {
            throw new IllegalArgumentException(
                    TB_SIZE_PROPERTY + " must be 0 (QEMU's default) to " + MAX_TB_SIZE_MIB + " MiB, got " + tbSizeMib);
        }
    }

    /**
     * The cache for one VMM: the property's cap if set, else {@link #INCOMING_TB_SIZE_MIB} for a VMM
     * that loads its guest and none for a cold boot; flushed on pause where the property asks for it
     * and {@code leanVmm} (Wisp's build of the current configuration) has the option.
     */
    static TcgCache of(boolean incoming, boolean leanVmm) {
        String cap = System.getProperty(TB_SIZE_PROPERTY);
        int mib = cap == null || cap.isBlank() ? (incoming ? INCOMING_TB_SIZE_MIB : 0) : tbSizeMib(cap);
        boolean flush = leanVmm && Boolean.parseBoolean(System.getProperty(FLUSH_ON_STOP_PROPERTY));
        return new TcgCache(mib, flush);
    }

    /**
     * Whether a settled guest's code is dropped ({@link #FLUSH_WHEN_SETTLED_PROPERTY}): only Wisp's
     * build of the current configuration ({@code leanVmm}) has the command.
     */
    static boolean flushWhenSettled(boolean leanVmm) {
        return leanVmm && Boolean.parseBoolean(System.getProperty(FLUSH_WHEN_SETTLED_PROPERTY));
    }

    /** The {@code -accel} value: the accelerator, with the cache's options under TCG. */
    String accelOption(Accelerator accel) {
        String name = accel.name().toLowerCase(Locale.ROOT);
        if (accel != Accelerator.TCG) {
            return name;
        }
        return name + (tbSizeMib > 0 ? ",tb-size=" + tbSizeMib : "") + (flushOnStop ? ",flush-on-stop=on" : "");
    }

    /** A cap as {@link #TB_SIZE_PROPERTY} gives it; a clear error for a bad value. */
    static int tbSizeMib(String value) {
        int mib;
        try {
            mib = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(TB_SIZE_PROPERTY + " must be a number of MiB, got '" + value + "'");
        }
        return new TcgCache(mib, false).tbSizeMib();
    }
}
