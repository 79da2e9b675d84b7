package dev.wisp.store;

/** The store's directory is already open, in another process or this one. */
public final class StoreLockedException extends StoreException {
    public StoreLockedException(String message) {
        super(message);
    }
}
