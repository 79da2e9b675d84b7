package dev.wisp.oci;

/** A pull, a reference or a layer that cannot be used; the message is one line a user can act on. */
public final class OciException extends RuntimeException {
    public OciException(String message) {
        super(message);
    }

    public OciException(String message, Throwable cause) {
        super(message, cause);
    }
}
