package dev.wisp.functions;

import java.util.Map;
import java.util.Objects;

/**
 * A request to a function, as a caller hands it to {@link Functions}.
 *
 * @param method  HTTP method
 * @param path    path and query passed to the handler, starting with {@code /}
 * @param headers extra request headers (hop-by-hop ones and Host are dropped)
 * @param body    request body
 */
public record FunctionCall(String method, String path, Map<String, String> headers, byte[] body) {
    public FunctionCall {
        method = method == null ? "POST" : method;
        if (!method.matches("[A-Z]{1,16}")) {
            throw new FunctionException(FunctionException.Code.BAD_REQUEST, "bad method: " + method);
        }
        path = path == null || path.isEmpty() ? "/" : path;
        if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c == 127)) {
            throw new FunctionException(
                    FunctionException.Code.BAD_REQUEST, "path must start with / and hold no spaces or controls");
        }
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (!h.getKey().matches("[A-Za-z0-9-]{1,64}")
                    || h.getValue().indexOf('\r') >= 0
                    || h.getValue().indexOf('\n') >= 0) {
                throw new FunctionException(FunctionException.Code.BAD_REQUEST, "bad header: " + h.getKey());
            }
        }
        body = Objects.requireNonNullElse(body, new byte[0]);
    }

    /** A POST to {@code /} with this body. */
    public static FunctionCall post(byte[] body) {
        return new FunctionCall("POST", "/", Map.of(), body);
    }
}
