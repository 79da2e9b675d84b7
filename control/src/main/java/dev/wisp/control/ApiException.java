package dev.wisp.control;

/** A request the API refuses: an HTTP status and a stable error code, as docs/api.md lists them. */
final class ApiException extends RuntimeException {
    private final int status;
    private final String code;

    ApiException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message);
    }

    static ApiException invalidName(String message) {
        return new ApiException(400, "invalid_name", message);
    }

    static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    static ApiException conflict(String message) {
        return new ApiException(409, "conflict", message);
    }

    static ApiException tooLarge(String message) {
        return new ApiException(413, "payload_too_large", message);
    }

    /** The disk the request needs is full (the state store's, or the image store's for uploads). */
    static ApiException insufficientStorage(String message) {
        return new ApiException(507, "insufficient_storage", message);
    }

    static ApiException quota(String message) {
        return new ApiException(422, "quota_exceeded", message);
    }
}
