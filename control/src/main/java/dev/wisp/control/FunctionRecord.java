package dev.wisp.control;

import dev.wisp.functions.FunctionRuntime;
import dev.wisp.functions.FunctionSpec;

/**
 * A function as the control plane stores it ({@code /function-specs/<tenant>/<name>}); its handler
 * lives in {@code <data>/functions/<key>/}.
 *
 * @param key                 its name on the node and in the router ({@code fn-} + 16 random hex digits):
 *                            unguessable, so the router URL built on it is the owner's to hand out
 * @param handlerFile         the handler's file name in its directory
 * @param handlerClass        Java: the Function class, or null for the jar's manifest
 * @param instanceConcurrency calls one instance serves at once; 0 in records stored before it existed (the default)
 * @param initialBackoffMs    async retries: first wait, doubled each time up to {@code maxBackoffMs}
 */
record FunctionRecord(
        String tenant,
        String name,
        String key,
        String runtime,
        String handlerFile,
        String handlerClass,
        Resources resources,
        int reservedConcurrency,
        int instanceConcurrency,
        int maxAttempts,
        long initialBackoffMs,
        long maxBackoffMs,
        long timeoutMs,
        String createdAt) {

    /** Calls per instance, with the runtime's default for older records. */
    int perInstance() {
        return instanceConcurrency > 0
                ? instanceConcurrency
                : FunctionSpec.defaultInstanceConcurrency(FunctionRuntime.parse(runtime), reservedConcurrency);
    }

    /** What the function may scale out to, and so what it counts against the quota. */
    int instanceCap() {
        return (reservedConcurrency + perInstance() - 1) / perInstance();
    }
}
