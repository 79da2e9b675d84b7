package dev.wisp.control;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/** Tenants and their tokens (admin only): {@code /v1/tenants/...}. */
final class TenantsApi {
    /** What a tenant create accepts ({@code createdAt}: read-only, may be sent back). */
    static final Set<String> TENANT_FIELDS = Set.of("name", "quota", "createdAt");

    static final Set<String> QUOTA_FIELDS = Set.of("vcpus", "memoryMiB", "instances", "images");
    private final Registry registry;

    TenantsApi(Registry registry) {
        this.registry = registry;
    }

    void register(ApiRoutes r) {
        r.add("GET", "/v1/tenants", (c, who, p) -> {
            who.requireAdmin();
            return ServicesApi.items(registry.tenants());
        });
        r.add("POST", "/v1/tenants", (c, who, p) -> create(c, who));
        r.add("DELETE", "/v1/tenants/{name}", (c, who, p) -> delete(who, p.get("name")));
        r.add("GET", "/v1/tenants/{name}/tokens", (c, who, p) -> {
            who.requireAdmin();
            String t = existing(p.get("name"));
            return ServicesApi.items(registry.tokens(t).stream()
                    .map(tok -> new Shapes.TokenView(tok.id(), tok.tenant(), tok.admin(), tok.createdAt()))
                    .toList());
        });
        r.add("POST", "/v1/tenants/{name}/tokens", (c, who, p) -> {
            who.requireAdmin();
            String t = existing(p.get("name"));
            String token = Tokens.newToken();
            TokenRecord rec = registry.addToken(t, token, false);
            return Reply.json(201, new Shapes.TokenCreatedView(rec.id(), t, token, rec.createdAt()));
        });
        r.add("DELETE", "/v1/tenants/{name}/tokens/{id}", (c, who, p) -> {
            who.requireAdmin();
            String t = existing(p.get("name"));
            String id = p.get("id");
            TokenRecord rec = Names.validTokenId(id)
                    ? registry.tokens(t).stream()
                            .filter(x -> x.id().equals(id))
                            .findFirst()
                            .orElse(null)
                    : null;
            if (rec == null) {
                throw ApiException.notFound("tenant '" + t + "' has no token '" + Names.shorten(id) + "'");
            }
            if (rec.hash().equals(who.tokenHash())) {
                throw ApiException.conflict("a token cannot delete itself");
            }
            registry.write(tx -> {
                tx.get(Registry.tokenKey(rec.hash()), TokenRecord.class);
                tx.delete(Registry.tokenKey(rec.hash()));
                return null;
            });
            return Reply.noContent();
        });
    }

    private String existing(String name) {
        if (!Names.valid(name) || registry.tenant(name).isEmpty()) {
            throw ApiException.notFound("no tenant '" + Names.shorten(name) + "'");
        }
        return name;
    }

    private Reply create(Call c, Caller who) {
        who.requireAdmin();
        JsonNode body = Fields.object(c.body());
        Fields.onlyKnown(body, "a tenant", TENANT_FIELDS);
        String name = Names.require("tenant", Fields.string(body, "name", "", null));
        JsonNode q = Fields.child(body, "quota");
        Quota d = Quota.DEFAULT;
        Quota quota = d;
        if (q != null) {
            Fields.onlyKnown(q, "quota", QUOTA_FIELDS);
            quota = new Quota(
                    (int) Fields.integer(q, "vcpus", "quota.", d.vcpus(), 0, 100_000),
                    (int) Fields.integer(q, "memoryMiB", "quota.", d.memoryMiB(), 0, Integer.MAX_VALUE),
                    (int) Fields.integer(q, "instances", "quota.", d.instances(), 0, 100_000),
                    (int) Fields.integer(q, "images", "quota.", d.images(), 0, 100_000));
        }
        TenantRecord rec = new TenantRecord(name, quota, registry.now());
        registry.write(tx -> {
            if (tx.get(Registry.tenantKey(name), TenantRecord.class).isPresent()) {
                throw ApiException.conflict("tenant '" + name + "' exists");
            }
            tx.put(Registry.tenantKey(name), rec);
            return null;
        });
        return Reply.json(201, rec);
    }

    private Reply delete(Caller who, String name) {
        who.requireAdmin();
        String t = existing(name);
        if (Registry.DEFAULT_TENANT.equals(t)) {
            throw ApiException.conflict("the tenant 'default' cannot be deleted");
        }
        registry.write(tx -> {
            tx.get(Registry.tenantKey(t), TenantRecord.class);
            if (!tx.range(Registry.SERVICES + t + "/", ServiceRecord.class).isEmpty()
                    || !tx.range(Registry.IMAGES + t + "/", ImageRecord.class).isEmpty()
                    || !tx.range(Registry.FUNCTIONS + t + "/", FunctionRecord.class)
                            .isEmpty()) {
                throw ApiException.conflict(
                        "tenant '" + t + "' still has services, functions or images; delete them first");
            }
            tx.delete(Registry.tenantKey(t));
            Secrets.deleteAll(tx, t);
            for (TokenRecord tok : registry.tokens(t)) {
                tx.delete(Registry.tokenKey(tok.hash()));
            }
            return null;
        });
        return Reply.noContent();
    }
}
