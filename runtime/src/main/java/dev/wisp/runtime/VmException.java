package dev.wisp.runtime;

/** A VM could not do what was asked; the message is one line a user can act on. */
public class VmException extends RuntimeException {
    public VmException(String message) {
        super(message);
    }

    public VmException(String message, Throwable cause) {
        super(message, cause);
    }
}
