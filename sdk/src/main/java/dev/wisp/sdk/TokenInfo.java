package dev.wisp.sdk;

/** A token as listed: its id, tenant, whether it is the admin token, and creation time; never the token. */
@ApiShape
public record TokenInfo(String id, String tenant, Boolean admin, String createdAt) {
    /** Without {@code admin}, as before it was read. */
    public TokenInfo(String id, String tenant, String createdAt) {
        this(id, tenant, null, createdAt);
    }
}
