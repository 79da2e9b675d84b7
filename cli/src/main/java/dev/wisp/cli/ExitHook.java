package dev.wisp.cli;

import java.util.concurrent.CountDownLatch;

/** Stops a platform started in the foreground when the JVM exits (Ctrl-C), and lets the command wait for that. */
final class ExitHook {
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread thread;

    private ExitHook(Runnable stop, String name) {
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

    /** Waits until the hook has run: the command's foreground ends with the JVM. */
    void await() throws InterruptedException {
        done.await();
    }

    /** The command stops the platform itself instead. */
    void remove() {
        try {
            Runtime.getRuntime().removeShutdownHook(thread);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs (or ran) anyway.
        }
    }
}
