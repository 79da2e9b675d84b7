package dev.wisp.control;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tenant's secrets and their use by services: {@code /v1/secrets} sets, lists (names and digests,
 * never values) and removes them; a service's create or deploy names the secrets it takes
 * ({@code "secrets": ["DB_PASSWORD", "TOKEN=API_TOKEN"]}), and they join its revision's env, sealed
 * as every env value is. A revision keeps the value it was deployed with: a changed secret reaches
 * a service with its next deploy (as a Knative revision keeps its secret reference's value).
 */
final class Secrets {
    static final String PREFIX = "/secrets/";
    /** The fields of a {@code PUT /v1/secrets/{name}} body. */
    static final Set<String> FIELDS = Set.of("value");
    /** Most secrets of one tenant. */
    static final int MAX_SECRETS = 100;
    /** Secret names are env names: the default variable a secret becomes. */
    private static final Pattern NAME = Pattern.compile("[A-Z_][A-Z0-9_]{0,63}");

    private static final Pattern REF = Pattern.compile("(?:([A-Z_][A-Z0-9_]{0,63})=)?([A-Z_][A-Z0-9_]{0,63})");

    private final Registry registry;
    private final EnvCipher cipher;

    Secrets(Registry registry, EnvCipher cipher) {
        this.registry = registry;
        this.cipher = cipher;
    }

    static String requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ApiException.badRequest("secret name '" + Names.shorten(String.valueOf(name))
                    + "' must be 1-64 of A-Z, 0-9 and '_', not starting with a digit");
        }
        return name;
    }

    void register(ApiRoutes r) {
        r.add("GET", "/v1/secrets", (c, who, p) -> ServicesApi.items(list(who.tenant())));
        r.add("PUT", "/v1/secrets/{name}", (c, who, p) -> set(c, who, p.get("name")));
        r.add("DELETE", "/v1/secrets/{name}", (c, who, p) -> remove(who, p.get("name")));
    }

    List<Shapes.SecretView> list(String tenant) {
        return registry.list(PREFIX + tenant + "/", SecretRecord.class).stream()
                .map(Secrets::view)
                .toList();
    }

    private Reply set(Call c, Caller who, String name) {
        requireName(name);
        JsonNode body = Fields.object(c.body());
        Fields.onlyKnown(body, "a secret", FIELDS);
        String value = Fields.string(body, "value", "", null);
        if (value == null) {
            throw ApiException.badRequest("value is required");
        }
        ServiceInput.requireEnvValue("secret " + name, value);
        String tenant = who.tenant();
        String sealed = cipher.seal(SecretRecord.aad(tenant, name), value);
        String digest = digest(tenant, name, value);
        boolean[] created = {false};
        SecretRecord rec = registry.write(tx -> {
            var old = tx.get(Registry.secretKey(tenant, name), SecretRecord.class);
            if (old.isEmpty()
                    && tx.range(PREFIX + tenant + "/", SecretRecord.class).size() >= MAX_SECRETS) {
                throw new ApiException(
                        422,
                        "quota_exceeded",
                        "tenant '" + tenant + "' has " + MAX_SECRETS + " secrets, the most allowed");
            }
            String now = registry.now();
            SecretRecord next = new SecretRecord(
                    tenant,
                    name,
                    sealed,
                    digest,
                    old.map(SecretRecord::createdAt).orElse(now),
                    now);
            // The count above is a range read: touching the tenant makes concurrent creates conflict.
            Registry.touchTenant(tx, tenant);
            tx.put(Registry.secretKey(tenant, name), next);
            created[0] = old.isEmpty();
            return next;
        });
        return Reply.json(created[0] ? 201 : 200, view(rec));
    }

    private Reply remove(Caller who, String name) {
        requireName(name);
        registry.write(tx -> {
            if (tx.get(Registry.secretKey(who.tenant(), name), SecretRecord.class)
                    .isEmpty()) {
                throw ApiException.notFound("no secret '" + name + "'");
            }
            tx.delete(Registry.secretKey(who.tenant(), name));
            return null;
        });
        return Reply.noContent();
    }

    /**
     * The env entries, in plain text, that a create or deploy's {@code secrets} list names: each
     * {@code NAME} (the variable of the same name) or {@code VAR=NAME}. Null when the list is absent.
     */
    Map<String, String> env(String tenant, JsonNode refs) {
        if (refs == null) {
            return null;
        }
        if (!refs.isArray()) {
            throw ApiException.badRequest("secrets must be a list of NAME or VAR=NAME");
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode ref : refs) {
            Matcher m = REF.matcher(ref.isTextual() ? ref.asText() : "");
            if (!m.matches()) {
                throw ApiException.badRequest(
                        "secrets: '" + Names.shorten(ref.asText()) + "' is not NAME or VAR=NAME (A-Z, 0-9, '_')");
            }
            String name = m.group(2);
            String var = m.group(1) == null ? name : m.group(1);
            SecretRecord s = registry.get(Registry.secretKey(tenant, name), SecretRecord.class)
                    .orElseThrow(() -> ApiException.badRequest(
                            "secrets: no secret '" + name + "' in tenant '" + tenant + "' (see wisp secrets ls)"));
            if (env.put(var, cipher.open(SecretRecord.aad(tenant, name), s.sealed())) != null) {
                throw ApiException.badRequest("secrets: variable " + var + " is named twice");
            }
        }
        return env;
    }

    /**
     * A revision's env: {@code given} (the request's env, or null to keep {@code kept}, the last
     * revision's) with the secrets' variables. A variable sent both as a value and as a secret is
     * refused (which one wins would be a guess); a kept one is replaced by the secret's value.
     */
    static Map<String, String> merge(Map<String, String> given, Map<String, String> kept, Map<String, String> secrets) {
        Map<String, String> out = new LinkedHashMap<>(given != null ? given : kept);
        if (secrets != null) {
            for (Map.Entry<String, String> e : secrets.entrySet()) {
                if (given != null && given.containsKey(e.getKey())) {
                    throw ApiException.badRequest("env " + e.getKey() + " is given both as a value and as a secret");
                }
                out.put(e.getKey(), e.getValue());
            }
        }
        ServiceInput.checkEnvSize(out);
        return out;
    }

    /** Deletes every secret of a tenant being deleted. */
    static void deleteAll(Tx tx, String tenant) {
        for (SecretRecord s : tx.range(PREFIX + tenant + "/", SecretRecord.class)) {
            tx.delete(Registry.secretKey(tenant, s.name()));
        }
    }

    private static Shapes.SecretView view(SecretRecord s) {
        return new Shapes.SecretView(s.name(), s.digest(), s.createdAt(), s.updatedAt());
    }

    /** 16 hex digits of a hash keyed by tenant and name: equal values of one secret look equal. */
    private static String digest(String tenant, String name, String value) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(SecretRecord.aad(tenant, name).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            return HexFormat.of()
                    .formatHex(sha.digest(value.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
