package dev.wisp.runtime;

/**
 * When each step of an instance's latest resume or restore ended, as {@link System#nanoTime()}
 * values (0 for a step that operation does not take): what a caller lines up with its own clock
 * to see where a wake's time goes.
 *
 * @param startedNanos the operation began (the instance's lock taken)
 * @param vmmNanos a VMM waited for the state: taken from the pool, or started
 * @param streamNanos the whole saved stream was handed to the VMM
 * @param loadedNanos the VMM said the load completed (device state applied)
 * @param identityNanos the guest's new identity was typed on its console (vCPUs still stopped)
 * @param contNanos the VMM answered {@code cont}: the vCPUs run
 * @param guestNanos the guest's agent said it had reseeded and taken its new identity
 */
public record WakeTimings(
        long startedNanos,
        long vmmNanos,
        long streamNanos,
        long loadedNanos,
        long identityNanos,
        long contNanos,
        long guestNanos) {

    /** A resume: only {@code cont}. */
    static WakeTimings resume(long startedNanos, long contNanos) {
        return new WakeTimings(startedNanos, 0, 0, 0, 0, contNanos, 0);
    }

    /** "loaded N ms, guest re-identified M ms after resume", for a restore's event. */
    String restoreDetail() {
        return String.format(
                java.util.Locale.ROOT,
                "loaded %.1f ms, guest re-identified %.1f ms after resume",
                (loadedNanos - startedNanos) / 1e6,
                (guestNanos - contNanos) / 1e6);
    }
}
