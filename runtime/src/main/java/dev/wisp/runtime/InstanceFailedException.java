package dev.wisp.runtime;

import java.util.List;

/**
 * An instance could not do what was asked and is now {@link InstanceState#FAILED}. The message
 * is one line; the guest console's last lines, usually the real cause, come separately.
 */
public final class InstanceFailedException extends VmException {
    private final transient List<String> consoleTail;

    InstanceFailedException(String message, List<String> consoleTail, Throwable cause) {
        super(message, cause);
        this.consoleTail = List.copyOf(consoleTail);
    }

    /** The console's last lines before the failure (guest output and the VMM's own errors). */
    public List<String> consoleTail() {
        return consoleTail;
    }
}
