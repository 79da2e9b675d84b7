package dev.wisp.sdk;

import static dev.wisp.sdk.ApiTransport.seg;

import java.util.List;

/** The {@code /v1/volumes} routes: a tenant's persistent volumes ({@link WispClient#volumes()}). */
public final class VolumeCalls {
    private final ApiTransport t;

    VolumeCalls(ApiTransport t) {
        this.t = t;
    }

    private record Create(String name, String size) {}

    /**
     * {@code POST /v1/volumes}: creates an empty ext4 volume.
     *
     * @param size such as {@code 1G} or {@code 512M} (16M to 1T)
     */
    public Volume create(String name, String size) {
        return t.call(t.json(t.req("/v1/volumes", true), "POST", new Create(name, size)), t.type(Volume.class));
    }

    /** {@code GET /v1/volumes}. */
    public List<Volume> list() {
        return t.list(t.get("/v1/volumes", true), Volume.class);
    }

    /** {@code DELETE /v1/volumes/{name}}. @throws WispApiException {@code conflict} while a service uses it */
    public void delete(String name) {
        t.call(t.req("/v1/volumes/" + seg(name), true).DELETE(), null);
    }
}
