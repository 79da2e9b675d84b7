package dev.wisp.store;

/** Receives a {@link Watch}'s events, one call at a time, on the watch's own thread. */
@FunctionalInterface
public interface WatchListener {

    /** One change. The watch waits for this to return before delivering the next. */
    void onEvent(WatchEvent event);

    /**
     * The watch ended by itself and delivers nothing more: the store closed
     * ({@link StoreClosedException}), history the watch still needed was compacted while it lagged
     * ({@link CompactedException}: re-read with {@link StateStore#range} and watch again), or
     * {@link #onEvent} threw. Not called after {@link Watch#cancel()}.
     */
    default void onError(StoreException error) {}
}
