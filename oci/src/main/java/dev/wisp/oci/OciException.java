package dev.wisp.oci;

/** A pull, a reference or a layer that cannot be used; the message is one line a user can act on. */
public final class OciException extends RuntimeException {
    /** What went wrong, for exit codes and API statuses; the message says the rest. */
    public enum Kind {
        /** bad input: a reference, an image Wisp cannot run, a layer escaping the root, a limit */
        INVALID,
        /** the registry has no such repository, tag or manifest */
        NOT_FOUND,
        /** the registry wants credentials, or refused the ones given */
        UNAUTHORIZED,
        /** the registry is down, slow (a timeout) or rate limiting: retrying later may work */
        UNAVAILABLE
    }

    private final Kind kind;

    public OciException(String message) {
        this(Kind.INVALID, message, null);
    }

    public OciException(String message, Throwable cause) {
        this(Kind.INVALID, message, cause);
    }

    public OciException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
