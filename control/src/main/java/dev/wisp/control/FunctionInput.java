package dev.wisp.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wisp.functions.FunctionRuntime;
import dev.wisp.functions.FunctionSpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code POST /v1/functions} body (docs/api.md) into a record and the handler's bytes:
 * {@code handler} is text (a shell script, or a Java source with {@code class}), {@code handlerBase64}
 * bytes (a static executable, a jar, or a script). Everything is bounded by the API's body limit.
 */
final class FunctionInput {
    static final Set<String> FIELDS = Set.of(
            "name",
            "runtime",
            "handler",
            "handlerBase64",
            "class",
            "resources",
            "reservedConcurrency",
            "instanceConcurrency",
            "retry",
            "timeout");
    static final Set<String> RETRY_FIELDS = Set.of("maxAttempts", "initialBackoff", "maxBackoff");
    private static final Pattern JAVA_CLASS = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");
    private static final Pattern PUBLIC_CLASS =
            Pattern.compile("(?m)^\\s*public\\s+(?:final\\s+)?class\\s+([A-Za-z_$][A-Za-z0-9_$]*)");
    static final int DEFAULT_CONCURRENCY = 10;
    static final int MAX_CONCURRENCY = 1000;

    /** A parsed deploy: the record to store and the handler file's bytes. */
    record Parsed(FunctionRecord record, byte[] handler) {}

    private FunctionInput() {}

    /**
     * Parses a deploy of {@code tenant}'s function, to be stored under {@code key}, created {@code now}.
     *
     * @param memoryFloorMib the least memory a function of a runtime may ask for (for Java, a JVM's floor)
     */
    static Parsed parse(
            byte[] body, String tenant, String key, String now, ToIntFunction<FunctionRuntime> memoryFloorMib) {
        JsonNode n = Fields.object(body);
        Fields.onlyKnown(n, "a function", FIELDS);
        String name = Names.require("function", Fields.string(n, "name", "", null));
        String runtime = Fields.string(n, "runtime", "", null);
        if (runtime == null || !Set.of("shell", "binary", "java").contains(runtime)) {
            throw ApiException.badRequest("runtime must be shell, binary or java");
        }
        String text = Fields.string(n, "handler", "", null);
        String b64 = Fields.string(n, "handlerBase64", "", null);
        if ((text == null) == (b64 == null)) {
            throw ApiException.badRequest(
                    "give exactly one of handler (text: a script, or Java source) and handlerBase64"
                            + " (bytes: a static executable, a jar)");
        }
        byte[] handler;
        if (text != null) {
            handler = text.getBytes(StandardCharsets.UTF_8);
        } else {
            try {
                handler = Base64.getMimeDecoder().decode(b64);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("handlerBase64 is not base64: " + Names.shorten(e.getMessage()));
            }
        }
        if (handler.length == 0) {
            throw ApiException.badRequest("the handler is empty");
        }
        String cls = Fields.string(n, "class", "", null);
        if (cls != null && (!runtime.equals("java") || !JAVA_CLASS.matcher(cls).matches())) {
            throw ApiException.badRequest(
                    runtime.equals("java")
                            ? "class must be a Java class name, was '" + Names.shorten(cls) + "'"
                            : "class is for the java runtime only");
        }
        String file = switch (runtime) {
            case "shell" -> "handler.sh";
            case "binary" -> {
                if (text != null) {
                    throw ApiException.badRequest("a binary handler goes in handlerBase64");
                }
                yield "handler.bin";
            }
            default -> text == null ? "handler.jar" : javaSourceName(text, cls);
        };
        Resources res = ServiceInput.resources(
                Fields.child(n, "resources"),
                new Resources(1, runtime.equals("java") ? 256 : 128),
                memoryFloorMib.applyAsInt(FunctionRuntime.parse(runtime)));
        int concurrency = (int) Fields.integer(n, "reservedConcurrency", "", DEFAULT_CONCURRENCY, 1, MAX_CONCURRENCY);
        int perInstance = (int) Fields.integer(
                n,
                "instanceConcurrency",
                "",
                FunctionSpec.defaultInstanceConcurrency(FunctionRuntime.parse(runtime), concurrency),
                1,
                concurrency);
        JsonNode retry = Fields.child(n, "retry");
        int attempts = 3;
        long initial = 1000;
        long max = 30_000;
        if (retry != null) {
            Fields.onlyKnown(retry, "retry", RETRY_FIELDS);
            attempts = (int) Fields.integer(retry, "maxAttempts", "retry.", attempts, 1, 10);
            initial = backoff(retry, "initialBackoff", initial);
            max = backoff(retry, "maxBackoff", Math.max(max, initial));
            if (max < initial) {
                throw ApiException.badRequest("retry.maxBackoff must be at least retry.initialBackoff");
            }
        }
        long timeout = 60_000;
        if (Fields.has(n, "timeout")) {
            timeout = Durations.parse("timeout", Fields.string(n, "timeout", "", null))
                    .toMillis();
            if (timeout < 100 || timeout > 15 * 60_000) {
                throw ApiException.badRequest("timeout must be 100ms..15m");
            }
        }
        return new Parsed(
                new FunctionRecord(
                        tenant,
                        name,
                        key,
                        runtime,
                        file,
                        cls,
                        res,
                        concurrency,
                        perInstance,
                        attempts,
                        initial,
                        max,
                        timeout,
                        now),
                handler);
    }

    private static long backoff(JsonNode retry, String field, long def) {
        if (!Fields.has(retry, field)) {
            return def;
        }
        long ms = Durations.parse("retry." + field, Fields.string(retry, field, "retry.", null))
                .toMillis();
        if (ms < 1 || ms > 3_600_000) {
            throw ApiException.badRequest("retry." + field + " must be 1ms..1h");
        }
        return ms;
    }

    /** javac wants a public class in a file of its name. */
    private static String javaSourceName(String source, String cls) {
        if (cls != null) {
            return cls.substring(cls.lastIndexOf('.') + 1) + ".java";
        }
        Matcher m = PUBLIC_CLASS.matcher(source);
        if (!m.find()) {
            throw ApiException.badRequest("Java source needs a public class (or give class)");
        }
        return m.group(1) + ".java";
    }
}
