package dev.wisp.common;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Closing where a failure to close must not keep anything else open: tear-down of several parts
 * in order, and a resource whose set-up step failed after it was made.
 */
public final class Closing {
    private Closing() {}

    /**
     * Closes each non-null resource in the order given, every one even if an earlier one failed;
     * a failure is logged as a warning naming the resource's class, with its stack trace.
     */
    public static void quietly(System.Logger log, AutoCloseable... resources) {
        Arrays.stream(resources).filter(Objects::nonNull).forEach(r -> close(log, r));
    }

    private static void close(System.Logger log, AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            log.log(
                    System.Logger.Level.WARNING,
                    () -> "closing " + resource.getClass().getSimpleName(),
                    e);
        }
    }

    /**
     * Runs a set-up step on a resource just made and returns the resource; if the step throws, the
     * resource is closed (a failure to close is added as suppressed) and the step's exception thrown.
     */
    public static <T extends AutoCloseable> T onFailure(T resource, Consumer<? super T> step) {
        try {
            step.accept(resource);
        } catch (RuntimeException | Error e) {
            try {
                resource.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return resource;
    }
}
