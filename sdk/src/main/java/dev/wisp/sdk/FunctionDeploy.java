package dev.wisp.sdk;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Body of {@code POST /v1/functions}. Give exactly one of {@code handler} (text: a shell script or
 * one Java source file) and {@code handlerBase64} (a static executable, a jar). Null fields take the
 * server's defaults (128 MiB, java 256; concurrency 10, 4 per instance (java 8); 3 attempts from 1 s; timeout 60s).
 *
 * @param runtime             {@code shell}, {@code binary} or {@code java}
 * @param handlerClass        Java: the {@code dev.wisp.function.Function} class (default: the jar's manifest)
 * @param reservedConcurrency most calls at once over all instances; synchronous calls past it get 429
 * @param instanceConcurrency calls one instance serves at once (1..reservedConcurrency); the function scales out to
 *                            {@code ceil(reservedConcurrency / instanceConcurrency)} instances
 * @param timeout             longest one attempt may take, e.g. {@code 30s}
 */
@ApiShape
public record FunctionDeploy(
        String name,
        String runtime,
        String handler,
        String handlerBase64,
        @JsonProperty("class") String handlerClass,
        Resources resources,
        Integer reservedConcurrency,
        Integer instanceConcurrency,
        RetrySettings retry,
        String timeout) {
    /** Without {@code instanceConcurrency}: the server's default. */
    public FunctionDeploy(
            String name,
            String runtime,
            String handler,
            String handlerBase64,
            String handlerClass,
            Resources resources,
            Integer reservedConcurrency,
            RetrySettings retry,
            String timeout) {
        this(name, runtime, handler, handlerBase64, handlerClass, resources, reservedConcurrency, null, retry, timeout);
    }

    /** A function whose handler is these bytes: text for a shell script or a {@code .java} source, else base64. */
    public static FunctionDeploy of(String name, String runtime, byte[] handler, boolean text) {
        return text
                ? new FunctionDeploy(
                        name, runtime, new String(handler, StandardCharsets.UTF_8), null, null, null, null, null, null)
                : new FunctionDeploy(
                        name, runtime, null, Base64.getEncoder().encodeToString(handler), null, null, null, null, null);
    }
}
