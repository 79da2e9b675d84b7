package dev.wisp.sdk;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Client of the Wisp REST API v1 (docs/api.md): one method per route, typed results.
 *
 * <p>Errors: an error answer throws {@link WispApiException} (status, stable code, message); a network
 * failure or timeout throws {@link UncheckedIOException} naming the URL. Every call has an explicit
 * timeout (see {@link Builder}). Thread-safe; one client may serve a whole application.
 *
 * <pre>{@code
 * var wisp = WispClient.builder().baseUrl(URI.create("http://127.0.0.1:7070")).token(token).build();
 * Image img = wisp.pushImage(Path.of("/home/me/.wisp/images/0904cb475bb576ae"));
 * wisp.createService(Service.of("hello", img.id()));
 * }</pre>
 */
public final class WispClient {
    private final ApiTransport t;
    private final ServiceCalls services;
    private final ImageCalls images;
    private final AdminCalls admin;
    private final FunctionCalls functions;
    private final EventCalls events;
    private final SecretCalls secrets;
    private final VolumeCalls volumes;
    private final LogCalls logs;

    private WispClient(Builder b) {
        String url = b.baseUrl.toString();
        this.t = new ApiTransport(
                URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url),
                b.token,
                b.tenant,
                b.requestTimeout,
                b.connectTimeout);
        this.services = new ServiceCalls(t);
        this.images = new ImageCalls(t, b.uploadTimeout);
        this.admin = new AdminCalls(t);
        this.functions = new FunctionCalls(t, b.uploadTimeout);
        this.events = new EventCalls(t, b.reconnectDelay);
        this.secrets = new SecretCalls(t);
        this.volumes = new VolumeCalls(t);
        this.logs = new LogCalls(t);
    }

    /** @return a builder; {@link Builder#baseUrl(URI)} is required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the API's base URL, e.g. {@code http://127.0.0.1:7070} */
    public URI baseUrl() {
        return t.base();
    }

    // ---- health -------------------------------------------------------------------------------

    /** {@code GET /v1/health} (no token needed). @return true if the API answers 2xx */
    public boolean healthy() {
        return admin.healthy();
    }

    // ---- services -----------------------------------------------------------------------------

    /** {@code GET /v1/services}. @return the tenant's services */
    public List<Service> services() {
        return services.services();
    }

    /** {@code GET /v1/services/{name}}. @throws WispApiException {@code not_found} if there is none */
    public Service service(String name) {
        return services.service(name);
    }

    /** {@code POST /v1/services}: creates revision 1 and starts serving it. @return the created service */
    public Service createService(Service spec) {
        return services.create(spec);
    }

    /** {@code PUT /v1/services/{name}}: makes it what {@code spec} says (creating it); same spec twice: no change. */
    public Service applyService(String name, Service spec) {
        return services.apply(name, spec);
    }

    /** {@code PATCH /v1/services/{name}}: scaling, standby, access; no new revision. */
    public Service updateService(String name, ServicePatch patch) {
        return services.update(name, patch);
    }

    /** {@code POST /v1/services/{name}/deploy}: a new revision that takes the traffic once ready. */
    public Revision deploy(String name, DeployRequest deploy) {
        return services.deploy(name, deploy);
    }

    /** {@code POST /v1/services/{name}/rollback}: moves traffic back to {@code revision}. */
    public Revision rollback(String name, int revision) {
        return services.rollback(name, revision);
    }

    /** {@code DELETE /v1/services/{name}}: stops its instances, deletes its snapshots and templates. */
    public void deleteService(String name) {
        services.delete(name);
    }

    /** {@code GET /v1/services/{name}/revisions}. */
    public List<Revision> revisions(String name) {
        return services.revisions(name);
    }

    /** {@code GET /v1/services/{name}/instances}. */
    public List<Instance> instances(String name) {
        return services.instances(name);
    }

    /** {@code GET /v1/services/{name}/instances/{id}/console}. @return the tail of the VM's console */
    public String console(String name, String instanceId) {
        return services.console(name, instanceId);
    }

    /** {@code GET /v1/services/{name}/logs}: retained console lines, oldest first (app's by default). */
    public List<LogLine> logs(String name, LogFilter filter) {
        return logs.list(name, filter);
    }

    /** The same with {@code follow=true}: the backlog, then new lines on a thread until closed; then {@code onEnd}. */
    public java.io.Closeable followLogs(String name, LogFilter filter, Consumer<LogLine> onLine, Runnable onEnd) {
        return logs.follow(name, filter, onLine, onEnd);
    }

    /** {@code GET /v1/services/{name}/events}. @return the latest events of the service, oldest first */
    public List<Event> serviceEvents(String name) {
        return services.events(name);
    }

    // ---- images -------------------------------------------------------------------------------

    /**
     * {@code POST /v1/images}: uploads an image folder (as built by {@code wisp image build}) as a tar,
     * streamed with its length; uses the upload timeout.
     *
     * @param imageDir a flat folder with {@code image.json}, the initramfs and optionally a disk
     */
    public Image pushImage(Path imageDir) {
        return images.push(imageDir);
    }

    /** {@code POST /v1/images/pull}: the server pulls and builds an OCI image (201, or 200 if had); upload timeout. */
    public Image pullImage(ImagePull request) {
        return images.pull(request);
    }

    /** {@code GET /v1/images}. */
    public List<Image> images() {
        return images.images();
    }

    /** {@code DELETE /v1/images/{id}}. @throws WispApiException {@code conflict} while a revision uses it */
    public void deleteImage(String id) {
        images.delete(id);
    }

    // ---- secrets and volumes ------------------------------------------------------------------

    /** {@code PUT /v1/secrets/{name}}: sets a tenant secret (encrypted); later deploys take it. */
    public Secret setSecret(String name, String value) {
        return secrets.set(name, value);
    }

    /** {@code GET /v1/secrets}: names and digests, never values. */
    public List<Secret> secrets() {
        return secrets.list();
    }

    /** {@code DELETE /v1/secrets/{name}}. */
    public void deleteSecret(String name) {
        secrets.delete(name);
    }
    /** The tenant's persistent volumes ({@code /v1/volumes}): create, list, delete. */
    public VolumeCalls volumes() {
        return volumes;
    }

    // ---- nodes, tenants, tokens ---------------------------------------------------------------

    /** {@code POST /v1/signin-links} (admin): a one-time dashboard link, valid 10 minutes, signing in as the admin. */
    public SignInLink signInLink() {
        return admin.signInLink();
    }

    /** {@code GET /v1/nodes}: capacity and usage of each node. */
    public List<NodeInfo> nodes() {
        return admin.nodes();
    }

    /** {@code POST /v1/nodes/{name}/drain} (admin, cluster mode): marks the node draining. */
    public DrainResult drain(String node) {
        return admin.drain(node);
    }

    /** {@code GET /v1/tenants} (admin). */
    public List<Tenant> tenants() {
        return admin.tenants();
    }

    /** {@code POST /v1/tenants} (admin). */
    public Tenant createTenant(Tenant tenant) {
        return admin.createTenant(tenant);
    }

    /** {@code DELETE /v1/tenants/{name}} (admin). */
    public void deleteTenant(String name) {
        admin.deleteTenant(name);
    }

    /** {@code POST /v1/tenants/{name}/tokens} (admin). @return the new token, shown only this once */
    public TokenCreated createToken(String tenantName) {
        return admin.createToken(tenantName);
    }

    /** {@code GET /v1/tenants/{name}/tokens} (admin): ids and creation times. */
    public List<TokenInfo> tokens(String tenantName) {
        return admin.tokens(tenantName);
    }

    /** {@code DELETE /v1/tenants/{name}/tokens/{id}} (admin). */
    public void deleteToken(String tenantName, String tokenId) {
        admin.deleteToken(tenantName, tokenId);
    }

    // ---- functions ----------------------------------------------------------------------------

    /**
     * {@code POST /v1/functions}: builds the function's image and answers once an instance runs, so
     * it waits up to the upload timeout (a Java function's first boot takes a while under TCG).
     */
    public Function deployFunction(FunctionDeploy spec) {
        return functions.deploy(spec);
    }

    /** {@code GET /v1/functions}. @return the tenant's functions */
    public List<Function> functions() {
        return functions.functions();
    }

    /** {@code GET /v1/functions/{name}}. @throws WispApiException {@code not_found} if there is none */
    public Function function(String name) {
        return functions.function(name);
    }

    /** {@code DELETE /v1/functions/{name}}: stops it and drops its invocation records. */
    public void deleteFunction(String name) {
        functions.delete(name);
    }

    /** {@code GET /v1/functions/{name}/logs}: its latest calls, sync and async, oldest first. */
    public List<InvocationLogEntry> functionLogs(String name) {
        return functions.logs(name);
    }

    /** {@code POST /v1/functions/{name}/invoke}: the handler's answer, any status; only transport failures throw. */
    public HttpResponse<byte[]> invoke(String function, byte[] body, String contentType) {
        return functions.invoke(function, body, contentType);
    }

    /**
     * The exception an error answer of {@link #invoke} stands for, for callers that tell the API's
     * own errors (JSON {@code {"error": ...}}: 404, 429, 503) from the handler's answers.
     */
    public WispApiException errorOf(int status, byte[] body) {
        return t.error(status, body);
    }

    /** {@code POST /v1/functions/{name}/invocations}. @param callbackUrl sent as X-Callback-Url, may be null */
    public InvocationAccepted invokeAsync(String function, byte[] body, String contentType, String callbackUrl) {
        return functions.invokeAsync(function, body, contentType, callbackUrl);
    }

    /** {@code GET /v1/functions/{name}/invocations/{id}}. */
    public Invocation invocation(String function, String id) {
        return functions.invocation(function, id);
    }

    /** {@code GET /v1/functions/{name}/dead-letters}. */
    public List<Invocation> deadLetters(String function) {
        return functions.deadLetters(function);
    }

    // ---- events -------------------------------------------------------------------------------

    /** {@link #events(String, Consumer, Consumer)} from now on, errors ignored. */
    public EventSubscription events(Consumer<Event> onEvent) {
        return events(null, onEvent, null);
    }

    /**
     * Subscribes to {@code GET /v1/events} (server-sent events) on a background thread. Lost connections
     * are retried with {@code Last-Event-ID}, so no event is missed while the server keeps it; 401 and
     * 404 end the subscription (reported to {@code onError}).
     *
     * @param lastEventId resume after this event id, or null for new events only
     * @param onEvent     called for each event, in order, on the subscription's thread
     * @param onError     told about every failure and reconnect, may be null
     */
    public EventSubscription events(String lastEventId, Consumer<Event> onEvent, Consumer<Throwable> onError) {
        Objects.requireNonNull(onEvent, "onEvent");
        return events.subscribe(lastEventId, onEvent, onError);
    }

    /** Settings of a {@link WispClient}; every timeout has an explicit default. */
    public static final class Builder {
        private URI baseUrl;
        private String token;
        private String tenant;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration uploadTimeout = Duration.ofMinutes(10);
        private Duration reconnectDelay = Duration.ofSeconds(1);

        private Builder() {}

        /** @param url the API, e.g. {@code http://127.0.0.1:7070} (required) */
        public Builder baseUrl(URI url) {
            String scheme = url.getScheme();
            if (!"http".equals(scheme) && !"https".equals(scheme)) {
                throw new IllegalArgumentException("API URL must be http:// or https://, got " + url);
            }
            this.baseUrl = url;
            return this;
        }

        /** @param token a {@code wisp_...} API token, sent as a bearer token */
        public Builder token(String token) {
            this.token = token == null ? null : token.strip();
            return this;
        }

        /** @param tenant for admin tokens: act on this tenant ({@code ?tenant=}); null for the token's own */
        public Builder tenant(String tenant) {
            this.tenant = tenant;
            return this;
        }

        /** @param d time to open a connection (default 5 s) */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = positive(d);
            return this;
        }

        /** @param d time for a whole ordinary request (default 30 s) */
        public Builder requestTimeout(Duration d) {
            this.requestTimeout = positive(d);
            return this;
        }

        /** @param d time for an image upload (default 10 min) */
        public Builder uploadTimeout(Duration d) {
            this.uploadTimeout = positive(d);
            return this;
        }

        /** @param d first wait before reconnecting the event stream (default 1 s; the server's retry: wins) */
        public Builder reconnectDelay(Duration d) {
            this.reconnectDelay = positive(d);
            return this;
        }

        /** @return the client */
        public WispClient build() {
            if (baseUrl == null) {
                throw new IllegalArgumentException("baseUrl is required");
            }
            return new WispClient(this);
        }

        private static Duration positive(Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + d);
            }
            return d;
        }
    }
}
