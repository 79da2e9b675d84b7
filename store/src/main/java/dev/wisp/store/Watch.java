package dev.wisp.store;

/** A running {@link StateStore#watch}. */
public interface Watch extends AutoCloseable {

    /**
     * Stops the watch. Once this returns, the listener is not called again, unless this is
     * called from inside the listener (then the current call finishes). Idempotent.
     */
    void cancel();

    /** Same as {@link #cancel()}. */
    @Override
    default void close() {
        cancel();
    }
}
