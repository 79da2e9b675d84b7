package dev.wisp.functions;

/**
 * A deployed function.
 *
 * @param name                its name
 * @param runtime             shell, binary or java
 * @param image               the image id its instances boot
 * @param reservedConcurrency its concurrency limit over all instances
 * @param instanceConcurrency calls one instance serves at once (the autoscaler's target)
 * @param maxInstances        most instances it scales out to
 * @param inFlight            invocations running now
 * @param url                 where the router serves it
 */
public record FunctionInfo(
        String name,
        String runtime,
        String image,
        int reservedConcurrency,
        int instanceConcurrency,
        int maxInstances,
        int inFlight,
        String url) {}
