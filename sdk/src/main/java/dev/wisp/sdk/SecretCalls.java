package dev.wisp.sdk;

import static dev.wisp.sdk.ApiTransport.seg;

import java.util.List;

/** The {@code /v1/secrets} routes of {@link WispClient}. */
final class SecretCalls {
    private final ApiTransport t;

    SecretCalls(ApiTransport t) {
        this.t = t;
    }

    Secret set(String name, String value) {
        return t.call(
                t.json(t.req("/v1/secrets/" + seg(name), true), "PUT", new SecretValue(value)), t.type(Secret.class));
    }

    List<Secret> list() {
        return t.list(t.get("/v1/secrets", true), Secret.class);
    }

    void delete(String name) {
        t.call(t.req("/v1/secrets/" + seg(name), true).DELETE(), null);
    }
}
