package dev.wisp.function;

/**
 * A Wisp Java function: one instance per microVM, {@link #handle called} once per request.
 *
 * <p>Lifecycle in the guest: the runtime loads the class (public, with a public no-argument
 * constructor), constructs it (put expensive initialisation in the constructor), calls
 * {@link #beforeSnapshot()}, then starts serving. The VM is snapshotted at that point and every
 * instance of the function is a clone of that warm JVM; each clone calls {@link #afterRestore()}
 * once before its first request.
 */
public interface Function {
    /**
     * Answers one request. Called concurrently from several threads.
     *
     * @throws Exception answered as 500 with the exception's message
     */
    Response handle(Request request) throws Exception;

    /**
     * Called once before the warm snapshot is taken: close connections, drop state that must not
     * be shared by clones.
     */
    default void beforeSnapshot() throws Exception {}

    /**
     * Called once in each clone before it serves: the guest has by then a fresh kernel random pool,
     * clock and hostname. Reseed generators created during initialisation (a seeded
     * {@code SecureRandom} would otherwise give every clone the same numbers), reopen connections.
     * Seed from {@code /dev/urandom} read directly: a {@code new SecureRandom()} (NativePRNG) may
     * serve bytes it buffered before the snapshot for up to 100 ms of a clock the snapshot froze.
     */
    default void afterRestore() throws Exception {}
}
