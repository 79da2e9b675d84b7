package dev.wisp.runtime;

/**
 * When each step of an instance's cold boot ended, as {@link System#nanoTime()} values: what a
 * caller lines up with its own clock to see where a boot's time goes (0 for a marker the guest
 * never sent).
 *
 * @param startedNanos the boot began (the instance's lock taken)
 * @param networkNanos the VMM's network slot was ready with its egress policy
 * @param vmmNanos the VMM process ran (jailed if the runtime jails) and answered on its control socket
 * @param initNanos the guest's init said it started: the guest kernel had booted
 * @param initUptimeMillis the guest's uptime at that marker by its own clock (the guest kernel's boot), -1 if unsaid
 * @param envNanos the guest asked for the app's environment (its disks mounted, network up)
 * @param readyNanos the guest said its app listens
 */
public record BootTimings(
        long startedNanos,
        long networkNanos,
        long vmmNanos,
        long initNanos,
        long initUptimeMillis,
        long envNanos,
        long readyNanos) {

    /** The marks of a boot that began at {@code startedNanos} and whose guest just said it is ready. */
    static BootTimings since(long startedNanos, InstanceVmm vmm, GuestDialog dialog) {
        return new BootTimings(
                startedNanos,
                vmm.networkNanos(),
                vmm.startedNanos(),
                dialog.initNanos(),
                dialog.initUptimeMillis(),
                dialog.envNanos(),
                System.nanoTime());
    }
}
