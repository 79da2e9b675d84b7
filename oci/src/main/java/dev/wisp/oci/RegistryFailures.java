package dev.wisp.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;

/**
 * What a registry's refusals mean, as one-line errors a user can act on: missing or refused
 * credentials, unknown repository, tag or blob (the Distribution API's error codes), rate limits
 * and server failures, each with the {@link OciException.Kind} the CLI maps to an exit code.
 */
record RegistryFailures(ImageReference ref, String username, ObjectMapper json) {
    /** A 401: credentials missing, or the ones we sent refused. */
    OciException unauthorized(String what) {
        return username == null ? needsCredentials(what) : refused(what);
    }

    OciException needsCredentials(String what) {
        return new OciException(
                OciException.Kind.UNAUTHORIZED,
                "registry " + ref.registry() + " needs credentials (401) for " + what + " (wisp registry login "
                        + ref.registry() + ")",
                null);
    }

    OciException refused(String what) {
        return new OciException(
                OciException.Kind.UNAUTHORIZED,
                "registry " + ref.registry() + " refused the credentials of user '" + username + "' (401) for " + what,
                null);
    }

    /** The error a registry's non-2xx answer to {@code what} means, its JSON error code included. */
    OciException of(HttpResponse<InputStream> r, String what) throws IOException {
        byte[] body;
        try (InputStream in = r.body()) {
            body = RegistryClient.readBounded(in, RegistryClient.MAX_ERROR_BODY);
        }
        String code = "";
        String message = "";
        if (body != null && body.length > 0) {
            try {
                JsonNode e = json.readTree(body).path("errors").path(0);
                code = e.path("code").asText("");
                message = e.path("message").asText("");
            } catch (IOException notJson) {
                // a proxy's HTML page: the status says enough
            }
        }
        String detail = code.isEmpty() ? "" : " (" + code + (message.isEmpty() ? "" : ": " + message) + ")";
        int sc = r.statusCode();
        return switch (sc) {
            case 401 -> unauthorized(what);
            case 403 ->
                new OciException(
                        OciException.Kind.UNAUTHORIZED,
                        "registry " + ref.registry() + " denied access (403) to " + what + detail,
                        null);
            case 404 ->
                switch (code) {
                    case "NAME_UNKNOWN" -> notFound("repository not found: " + ref + detail);
                    case "MANIFEST_UNKNOWN" ->
                        notFound("image not found: " + ref + " has no "
                                + (what.startsWith("manifest sha256:") ? "manifest " : "tag ") + what.split(" ")[1]
                                + detail);
                    case "BLOB_UNKNOWN" -> notFound("registry " + ref.registry() + " has no " + what + detail);
                    default -> notFound("not found (404): " + what + detail);
                };
            case 429 ->
                new OciException(
                        OciException.Kind.UNAVAILABLE,
                        "registry " + ref.registry() + " is rate limiting (429) " + what + detail,
                        null);
            default ->
                new OciException(
                        sc >= 500 ? OciException.Kind.UNAVAILABLE : OciException.Kind.INVALID,
                        "registry " + ref.registry() + " answered " + sc + " for " + what + detail,
                        null);
        };
    }

    private static OciException notFound(String message) {
        return new OciException(OciException.Kind.NOT_FOUND, message, null);
    }
}
