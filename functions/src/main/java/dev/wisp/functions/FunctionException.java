package dev.wisp.functions;

/**
 * A function operation that failed in a way the caller should report: the {@link Code} maps to an
 * API error code and HTTP status (docs/api.md).
 */
public final class FunctionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Error codes, as the API spells them, with their HTTP status. */
    public enum Code {
        BAD_REQUEST("bad_request", 400),
        INVALID_NAME("invalid_name", 400),
        NOT_FOUND("not_found", 404),
        CONFLICT("conflict", 409),
        PAYLOAD_TOO_LARGE("payload_too_large", 413),
        RATE_LIMITED("rate_limited", 429),
        UNAVAILABLE("unavailable", 503),
        INTERNAL("internal", 500);

        private final String id;
        private final int status;

        Code(String id, int status) {
            this.id = id;
            this.status = status;
        }

        /** The API's error code, e.g. {@code rate_limited}. */
        public String id() {
            return id;
        }

        /** The HTTP status that goes with it. */
        public int status() {
            return status;
        }
    }

    private final Code code;

    public FunctionException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
