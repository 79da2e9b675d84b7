package dev.wisp.control;

import dev.wisp.store.KeyValue;
import dev.wisp.store.StateStore;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The control plane's records on the state store, under one key layout:
 * <pre>
 *   /tenants/&lt;tenant&gt;                      TenantRecord (touched by every service or image change of the tenant)
 *   /tokens/&lt;sha256 of token&gt;              TokenRecord
 *   /services/&lt;tenant&gt;/&lt;name&gt;             ServiceRecord
 *   /revisions/&lt;tenant&gt;/&lt;name&gt;/&lt;n, 6 digits&gt;  RevisionRecord
 *   /images/&lt;tenant&gt;/&lt;id&gt;                 ImageRecord
 *   /events/&lt;tenant&gt;/&lt;seq, 12 digits&gt;      EventRecord (see EventLog)
 *   /function-specs/&lt;tenant&gt;/&lt;name&gt;     FunctionRecord (async invocations: /functions/&lt;key&gt;/..., the functions module's)
 * </pre>
 * Writes go through {@link #write}: optimistic transactions that retry on a concurrent change.
 */
final class Registry {
    static final String TENANTS = "/tenants/";
    static final String TOKENS = "/tokens/";
    static final String SERVICES = "/services/";
    static final String REVISIONS = "/revisions/";
    static final String IMAGES = "/images/";
    static final String FUNCTIONS = "/function-specs/";
    static final String DEFAULT_TENANT = "default";
    /** Most services of one tenant. */
    static final int MAX_SERVICES = 64;
    /** Revision records kept per service; older retired ones are forgotten on deploy. */
    static final int MAX_REVISIONS = 50;

    private static final int ATTEMPTS = 8;

    private final StateStore store;
    private final InstantSource clock;

    Registry(StateStore store, InstantSource clock) {
        this.store = store;
        this.clock = clock;
    }

    StateStore store() {
        return store;
    }

    String now() {
        return clock.instant().toString();
    }

    /** Runs {@code body} in a transaction until it commits without a conflicting change (bounded). */
    <T> T write(Function<Tx, T> body) {
        for (int i = 0; i < ATTEMPTS; i++) {
            Tx tx = new Tx(store);
            T result = body.apply(tx);
            if (tx.commit()) {
                return result;
            }
        }
        throw ApiException.conflict("the resource changed concurrently " + ATTEMPTS + " times; try again");
    }

    // ---- keys -------------------------------------------------------------------------------------

    static String tenantKey(String tenant) {
        return TENANTS + tenant;
    }

    static String tokenKey(String hash) {
        return TOKENS + hash;
    }

    static String serviceKey(String tenant, String name) {
        return SERVICES + tenant + "/" + name;
    }

    static String revisionsPrefix(String tenant, String name) {
        return REVISIONS + tenant + "/" + name + "/";
    }

    static String revisionKey(String tenant, String name, int number) {
        return revisionsPrefix(tenant, name) + String.format("%06d", number);
    }

    static String functionKey(String tenant, String name) {
        return FUNCTIONS + tenant + "/" + name;
    }

    static String imageKey(String tenant, String id) {
        return IMAGES + tenant + "/" + id;
    }

    static String secretKey(String tenant, String name) {
        return Secrets.PREFIX + tenant + "/" + name;
    }

    static String volumeKey(String tenant, String name) {
        return Volumes.PREFIX + tenant + "/" + name;
    }

    // ---- reads ------------------------------------------------------------------------------------

    <T> Optional<T> get(String key, Class<T> type) {
        return store.get(key).map(kv -> Json.read(kv.value(), type));
    }

    <T> List<T> list(String prefix, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (KeyValue kv : store.range(prefix).kvs()) {
            out.add(Json.read(kv.value(), type));
        }
        return out;
    }

    Optional<TenantRecord> tenant(String name) {
        return get(tenantKey(name), TenantRecord.class);
    }

    List<TenantRecord> tenants() {
        return list(TENANTS, TenantRecord.class);
    }

    Optional<TokenRecord> tokenByHash(String hash) {
        return get(tokenKey(hash), TokenRecord.class);
    }

    List<TokenRecord> tokens(String tenant) {
        return list(TOKENS, TokenRecord.class).stream()
                .filter(t -> t.tenant().equals(tenant))
                .sorted(Comparator.comparing(TokenRecord::createdAt))
                .toList();
    }

    Optional<ServiceRecord> service(String tenant, String name) {
        return get(serviceKey(tenant, name), ServiceRecord.class);
    }

    List<ServiceRecord> services(String tenant) {
        return list(SERVICES + tenant + "/", ServiceRecord.class);
    }

    List<ServiceRecord> allServices() {
        return list(SERVICES, ServiceRecord.class);
    }

    List<RevisionRecord> revisions(String tenant, String name) {
        return list(revisionsPrefix(tenant, name), RevisionRecord.class);
    }

    Optional<RevisionRecord> revision(String tenant, String name, int number) {
        return get(revisionKey(tenant, name, number), RevisionRecord.class);
    }

    List<ImageRecord> images(String tenant) {
        return list(IMAGES + tenant + "/", ImageRecord.class);
    }

    List<ImageRecord> allImages() {
        return list(IMAGES, ImageRecord.class);
    }

    boolean hasAdminToken() {
        return list(TOKENS, TokenRecord.class).stream().anyMatch(TokenRecord::admin);
    }

    // ---- bootstrap --------------------------------------------------------------------------------

    /** Creates the tenant {@code default} if it does not exist. */
    void ensureDefaultTenant() {
        write(tx -> {
            if (tx.get(tenantKey(DEFAULT_TENANT), TenantRecord.class).isEmpty()) {
                tx.put(tenantKey(DEFAULT_TENANT), new TenantRecord(DEFAULT_TENANT, Quota.UNLIMITED_HOST, now()));
            }
            return null;
        });
    }

    /** Stores a new token's hash; returns its record. */
    TokenRecord addToken(String tenant, String token, boolean admin) {
        TokenRecord rec = new TokenRecord(Tokens.newTokenId(), tenant, Tokens.hash(token), admin, now());
        return write(tx -> {
            if (tx.get(tenantKey(tenant), TenantRecord.class).isEmpty()) {
                throw ApiException.notFound("no tenant '" + tenant + "'");
            }
            tx.put(tokenKey(rec.hash()), rec);
            return rec;
        });
    }

    /** Every service or image write touches its tenant's record: concurrent quota checks then conflict. */
    static void touchTenant(Tx tx, String tenant) {
        TenantRecord t = tx.get(Registry.tenantKey(tenant), TenantRecord.class)
                .orElseThrow(() -> ApiException.notFound("no tenant '" + tenant + "'"));
        tx.put(Registry.tenantKey(tenant), t);
    }
}
