package dev.wisp.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** A tenant and its quota (admin routes); {@code createdAt} is read-only. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Tenant(String name, Quota quota, String createdAt) {
    /** A create request: name and quota (null: the server's default quota). */
    public Tenant(String name, Quota quota) {
        this(name, quota, null);
    }
}
