package dev.wisp.store;

/** A state store operation failed; subclasses say why when callers can act on it. */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
