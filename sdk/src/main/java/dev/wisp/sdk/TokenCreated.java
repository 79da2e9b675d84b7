package dev.wisp.sdk;

/** Answer of {@code POST /v1/tenants/{name}/tokens}; the token itself is shown only here. */
@ApiShape
public record TokenCreated(String id, String tenant, String token, String createdAt) {
    /** Just the id and the token, as before the other fields were read. */
    public TokenCreated(String id, String token) {
        this(id, null, token, null);
    }
}
