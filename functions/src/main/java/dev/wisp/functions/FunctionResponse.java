package dev.wisp.functions;

import java.nio.charset.StandardCharsets;

/**
 * What a function answered.
 *
 * @param status      HTTP status
 * @param contentType the Content-Type it sent, or empty
 * @param body        the body
 */
public record FunctionResponse(int status, String contentType, byte[] body) {
    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
