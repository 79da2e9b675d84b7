package dev.wisp.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** Answer of {@code POST /v1/tenants/{name}/tokens}; the token itself is shown only here. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenCreated(String id, String tenant, String token, String createdAt) {
    /** Just the id and the token, as before the other fields were read. */
    public TokenCreated(String id, String token) {
        this(id, null, token, null);
    }
}
