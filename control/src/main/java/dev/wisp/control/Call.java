package dev.wisp.control;

import io.netty.handler.codec.http.HttpHeaders;
import java.nio.file.Path;
import java.util.Map;

/**
 * One API request as the handlers see it.
 *
 * @param body     the aggregated body (empty for a streamed upload)
 * @param bodyFile a streamed upload's body on disk, or null
 */
record Call(String method, String path, Map<String, String> query, HttpHeaders headers, byte[] body, Path bodyFile) {
    String header(CharSequence name) {
        return headers.get(name);
    }
}
