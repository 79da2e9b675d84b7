package dev.wisp.sdk;

/** A tenant and its quota (admin routes); {@code createdAt} is read-only. */
@ApiShape
public record Tenant(String name, Quota quota, String createdAt) {
    /** A create request: name and quota (null: the server's default quota). */
    public Tenant(String name, Quota quota) {
        this(name, quota, null);
    }
}
