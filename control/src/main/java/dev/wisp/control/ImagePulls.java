package dev.wisp.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wisp.functions.AddressPolicy;
import dev.wisp.image.Image;
import dev.wisp.image.ImageBuildException;
import dev.wisp.image.ImageStore;
import dev.wisp.image.Kernel;
import dev.wisp.image.OciImageBuilder;
import dev.wisp.image.RegistryLogins;
import dev.wisp.oci.ImageReference;
import dev.wisp.oci.OciException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /v1/images/pull}: the server pulls an OCI image (a registry, or {@code oci:DIR},
 * {@code oci-archive:FILE} or {@code docker-archive:FILE} on its
 * own disk) and builds it into a Wisp image ({@link OciImageBuilder}), recorded for the tenant like
 * an upload. Credentials come from the server's {@code wisp registry login}; plain HTTP only to
 * loopback registries. Pull failures map to statuses by their kind, with the puller's one line.
 *
 * <p>A tenant's pull is a URL the platform fetches for a user: it may name only a registry whose
 * host resolves to public addresses (or a network the operator allows, {@code wisp up
 * --allow-callback-net}), never the server's loopback, link-local or private networks, and never
 * a file on the server's disk. The operator's admin token may pull from anywhere.
 *
 * @param home where {@code registries.json} (credentials) is read from
 * @param tenantPolicy the addresses a tenant's pull may reach
 */
record ImagePulls(ImagesApi images, ImageStore store, Kernel kernel, Path home, AddressPolicy tenantPolicy) {
    static final Set<String> FIELDS = Set.of("ref", "entrypoint", "cmd", "port");
    private static final int MAX_ARGS = 256;

    void register(ApiRoutes r) {
        r.add("POST", "/v1/images/pull", (c, who, p) -> pull(c, who));
    }

    private Reply pull(Call c, Caller who) {
        JsonNode body = Fields.object(c.body());
        Fields.onlyKnown(body, "image pull", FIELDS);
        String text = Fields.string(body, "ref", "", null);
        if (text == null || text.isBlank()) {
            throw ApiException.badRequest(
                    "ref is required (host[:port]/name:tag, name@sha256:..., oci:DIR, oci-archive:FILE or docker-archive:FILE)");
        }
        Integer port = Fields.has(body, "port") ? (int) Fields.integer(body, "port", "", 0, 1, 65535) : null;
        Image image;
        try {
            ImageReference ref = ImageReference.parse(text);
            if (!who.admin()) {
                checkTenantMayPull(ref);
            }
            image = OciImageBuilder.of(ref)
                    .registry(new RegistryLogins(home).optionsFor(ref, Set.of()))
                    .entrypoint(args(body, "entrypoint"))
                    .cmd(args(body, "cmd"))
                    .port(port)
                    .build(kernel, store);
        } catch (OciException e) {
            throw switch (e.kind()) {
                case NOT_FOUND -> ApiException.notFound(e.getMessage());
                case UNAUTHORIZED -> new ApiException(502, "registry_refused", e.getMessage());
                case UNAVAILABLE -> new ApiException(504, "registry_unavailable", e.getMessage());
                case INVALID -> ApiException.badRequest(e.getMessage());
            };
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        } catch (ImageBuildException e) {
            throw new ApiException(500, "build_failed", e.getMessage());
        } catch (UncheckedIOException e) {
            ApiException full = DiskFull.find(e, store.root());
            throw full != null ? full : e;
        }
        return images.recordBuilt(who, image);
    }

    private void checkTenantMayPull(ImageReference ref) {
        if (ref.kind() != ImageReference.Kind.REGISTRY) {
            throw new ApiException(
                    403,
                    "forbidden",
                    "an image file on the server is for the operator; pull from a registry or push the image"
                            + " (wisp image push)");
        }
        String host = registryHost(ref.registry());
        try {
            tenantPolicy.resolve(host);
        } catch (AddressPolicy.Refused e) {
            throw new ApiException(
                    403,
                    "forbidden",
                    "registry " + ref.registry() + " is not reachable for tenants: " + e.getMessage()
                            + "; the operator can allow its network (wisp up --allow-callback-net)");
        }
    }

    /** {@code host}, {@code host:port} or {@code [v6]:port} to the host alone. */
    static String registryHost(String registry) {
        if (registry.startsWith("[")) {
            int end = registry.indexOf(']');
            return end < 0 ? registry : registry.substring(1, end);
        }
        int colon = registry.lastIndexOf(':');
        return colon < 0 ? registry : registry.substring(0, colon);
    }

    /** A list of strings, or null when absent. */
    private static List<String> args(JsonNode body, String field) {
        if (!Fields.has(body, field)) {
            return null;
        }
        JsonNode a = body.get(field);
        if (!a.isArray() || a.size() > MAX_ARGS) {
            throw ApiException.badRequest(field + " must be a list of at most " + MAX_ARGS + " strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : a) {
            if (!s.isTextual()) {
                throw ApiException.badRequest(field + " must be a list of strings");
            }
            out.add(s.asText());
        }
        return out;
    }
}
