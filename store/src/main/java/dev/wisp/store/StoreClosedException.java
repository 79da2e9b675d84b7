package dev.wisp.store;

/** The store was closed. */
public final class StoreClosedException extends StoreException {

    private static final long serialVersionUID = 1L;

    public StoreClosedException(String message) {
        super(message);
    }
}
