package dev.wisp.cli;

import java.util.concurrent.CountDownLatch;

/**
 * Stops a platform started in the foreground: when the JVM exits (Ctrl-C), or at {@link #close}
 * when the command ends by itself without waiting for the exit.
 */
final class ExitHook implements AutoCloseable {
    private final CountDownLatch done = new CountDownLatch(1);
    private final Runnable stop;
    private final Thread thread;
    private volatile boolean waited;

    private ExitHook(Runnable stop, String name) {
        this.stop = stop;
        thread = new Thread(
                () -> {
                    stop.run();
                    done.countDown();
                },
                name);
    }

    /** Runs {@code stop} at exit, on a thread named {@code name}. */
    static ExitHook install(Runnable stop, String name) {
        ExitHook hook = new ExitHook(stop, name);
        Runtime.getRuntime().addShutdownHook(hook.thread);
        return hook;
    }

    /** Waits until the hook has run: the command's foreground ends with the JVM, which stops the platform. */
    void await() throws InterruptedException {
        waited = true;
        done.await();
    }

    /** Unless the command waited for the exit: removes the hook and stops the platform now. */
    @Override
    public void close() {
        if (waited) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(thread);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs (or ran) anyway.
        }
        stop.run();
    }
}
