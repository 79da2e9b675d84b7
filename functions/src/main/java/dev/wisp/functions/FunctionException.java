package dev.wisp.functions;

import java.util.Locale;

/**
 * A function operation that failed in a way the caller should report: the {@link Code} maps to an
 * API error code and HTTP status (docs/api.md).
 */
public final class FunctionException extends RuntimeException {
    /** Error codes, as the API spells them, with their HTTP status. */
    public enum Code {
        BAD_REQUEST(400),
        INVALID_NAME(400),
        NOT_FOUND(404),
        CONFLICT(409),
        PAYLOAD_TOO_LARGE(413),
        RATE_LIMITED(429),
        UNAVAILABLE(503),
        INTERNAL(500);

        private final int status;

        Code(int status) {
            this.status = status;
        }

        /** The API's error code, e.g. {@code rate_limited}: the constant's name in lower case. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
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
