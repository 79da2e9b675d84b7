package dev.wisp.runtime;

/** Where a console line came from: the app's stdout or stderr (tagged by the guest agent), or anything else. */
public enum GuestStream {
    /** The app's standard output. */
    STDOUT,
    /** The app's standard error. */
    STDERR,
    /** The kernel, init, the agent's markers and the VMM's own errors: everything the app did not print. */
    KERNEL;

    /** The lower-case name the API and the CLI use. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
