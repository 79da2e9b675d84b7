package dev.wisp.store;

/** The store was closed. */
public final class StoreClosedException extends StoreException {
    public StoreClosedException(String message) {
        super(message);
    }
}
