package dev.wisp.runtime;

import java.util.List;

/**
 * An instance could not do what was asked and is now {@link InstanceState#FAILED}. The message
 * is one line; the guest console's last lines, usually the real cause, come separately.
 */
public final class InstanceFailedException extends VmException {
    private final transient List<String> consoleTail;
    private final boolean hostFault;

    InstanceFailedException(String message, List<String> consoleTail, Throwable cause, boolean hostFault) {
        super(message, cause);
        this.consoleTail = List.copyOf(consoleTail);
        this.hostFault = hostFault;
    }

    /** The console's last lines before the failure (guest output and the VMM's own errors). */
    public List<String> consoleTail() {
        return consoleTail;
    }

    /**
     * Whether the host, not the guest, failed: the VMM could not be started or reached before the
     * guest ran (no control socket in time, the network slot, the process exited before it
     * answered), or it was killed (SIGKILL or SIGTERM: kill -9, the OOM killer, the jail's memory limit).
     * The same guest may well start on another try, from the same snapshot. False for what the
     * guest or its app did (it exited, panicked, never became ready) and for a snapshot the VMM
     * rejected: trying again would fail again.
     */
    public boolean hostFault() {
        return hostFault;
    }
}
