package dev.wisp.function;

import java.nio.charset.StandardCharsets;

/**
 * A function's answer.
 *
 * @param status      HTTP status, 100-599
 * @param contentType media type of the body
 * @param body        response body
 */
public record Response(int status, String contentType, byte[] body) {
    public Response {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be 100..599, got " + status);
        }
        contentType = contentType == null ? "application/octet-stream" : contentType;
        body = body == null ? new byte[0] : body;
    }

    /** 200 with a UTF-8 text body. */
    public static Response text(String body) {
        return new Response(200, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    /** 200 with a JSON body the caller has already serialised. */
    public static Response json(String json) {
        return new Response(200, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /** This response with another status. */
    public Response withStatus(int newStatus) {
        return new Response(newStatus, contentType, body);
    }
}
