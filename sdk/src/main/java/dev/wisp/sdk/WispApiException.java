package dev.wisp.sdk;

/**
 * The API answered with an error: the HTTP status, the stable error code of docs/api.md
 * ({@code not_found}, {@code unauthorized}, {@code quota_exceeded}...) and the server's message.
 * Answers that are not the API's JSON error shape (a proxy's HTML page) get a code derived from the status.
 */
public final class WispApiException extends RuntimeException {
    private final int status;
    private final String code;

    /**
     * @param status  HTTP status of the answer
     * @param code    the API's error code
     * @param message the API's message
     */
    public WispApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    /** @return the HTTP status, e.g. 404 */
    public int status() {
        return status;
    }

    /** @return the API's stable error code, e.g. {@code not_found} */
    public String code() {
        return code;
    }

    /** The code docs/api.md gives a status, for answers that carry no JSON error. */
    static String codeFor(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 409 -> "conflict";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            case 422 -> "quota_exceeded";
            case 429 -> "rate_limited";
            case 503 -> "unavailable";
            case 507 -> "insufficient_storage";
            default -> status >= 500 ? "internal" : "http_" + status;
        };
    }
}
