package dev.wisp.sdk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * wisp.updateService("hello", new ServicePatch(Scaling.limits(0, 5, 20.0), null, null));
 * }</pre>
 */
public final class WispClient {
    private static final String JSON_TYPE = "application/json; charset=utf-8";

    private final URI base;
    private final String token;
    private final String tenant;
    private final Duration requestTimeout;
    private final Duration uploadTimeout;
    private final Duration reconnectDelay;
    private final HttpClient http;
    private final ObjectMapper json = WispJson.mapper();

    private WispClient(Builder b) {
        String url = b.baseUrl.toString();
        this.base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        this.token = b.token;
        this.tenant = b.tenant;
        this.requestTimeout = b.requestTimeout;
        this.uploadTimeout = b.uploadTimeout;
        this.reconnectDelay = b.reconnectDelay;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** @return a builder; {@link Builder#baseUrl(URI)} is required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the API's base URL, e.g. {@code http://127.0.0.1:7070} */
    public URI baseUrl() {
        return base;
    }

    // ---- health -------------------------------------------------------------------------------

    /** {@code GET /v1/health} (no token needed). @return true if the API answers 2xx */
    public boolean healthy() {
        try {
            return send(get("/v1/health", false).build(), HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            / 100
                    == 2;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    // ---- services -----------------------------------------------------------------------------

    /** {@code GET /v1/services}. @return the tenant's services */
    public List<Service> services() {
        return list(get("/v1/services", true), Service.class);
    }

    /** {@code GET /v1/services/{name}}. @throws WispApiException {@code not_found} if there is none */
    public Service service(String name) {
        return call(get(svc(name), true), type(Service.class));
    }

    /** {@code POST /v1/services}: creates revision 1 and starts serving it. @return the created service */
    public Service createService(Service spec) {
        return call(post("/v1/services", true, spec), type(Service.class));
    }

    /** {@code PATCH /v1/services/{name}}: scaling, standby, access; no new revision. */
    public Service updateService(String name, ServicePatch patch) {
        return call(json(req(svc(name), true), "PATCH", patch), type(Service.class));
    }

    /** {@code POST /v1/services/{name}/deploy}: a new revision that takes the traffic once ready. */
    public Revision deploy(String name, DeployRequest deploy) {
        return call(post(svc(name) + "/deploy", true, deploy), type(Revision.class));
    }

    /** {@code POST /v1/services/{name}/rollback}: moves traffic back to {@code revision}. */
    public Revision rollback(String name, int revision) {
        return call(post(svc(name) + "/rollback", true, new RollbackRequest(revision)), type(Revision.class));
    }

    /** {@code DELETE /v1/services/{name}}: stops its instances, deletes its snapshots and templates. */
    public void deleteService(String name) {
        call(req(svc(name), true).DELETE(), null);
    }

    /** {@code GET /v1/services/{name}/revisions}. */
    public List<Revision> revisions(String name) {
        return list(get(svc(name) + "/revisions", true), Revision.class);
    }

    /** {@code GET /v1/services/{name}/instances}. */
    public List<Instance> instances(String name) {
        return list(get(svc(name) + "/instances", true), Instance.class);
    }

    /** {@code GET /v1/services/{name}/instances/{id}/console}. @return the tail of the VM's console */
    public String console(String name, String instanceId) {
        HttpResponse<byte[]> rsp = checked(send(
                get(svc(name) + "/instances/" + seg(instanceId) + "/console", true)
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray()));
        return new String(rsp.body(), StandardCharsets.UTF_8);
    }

    /** {@code GET /v1/services/{name}/events}. @return the latest events of the service, oldest first */
    public List<Event> serviceEvents(String name) {
        return list(get(svc(name) + "/events", true), Event.class);
    }

    // ---- images -------------------------------------------------------------------------------

    /**
     * {@code POST /v1/images}: uploads an image folder (as built by {@code wisp image build}) as a tar,
     * streamed with its length; uses the upload timeout.
     *
     * @param imageDir a flat folder with {@code image.json}, the initramfs and optionally a disk
     */
    public Image pushImage(Path imageDir) {
        ImageTar tar = ImageTar.of(imageDir);
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(tar::open), tar.length());
        HttpRequest r = req("/v1/images", true)
                .timeout(uploadTimeout)
                .header("Content-Type", "application/x-tar")
                .POST(body)
                .build();
        return parse(checked(send(r, HttpResponse.BodyHandlers.ofByteArray())), type(Image.class));
    }

    /** {@code GET /v1/images}. */
    public List<Image> images() {
        return list(get("/v1/images", true), Image.class);
    }

    /** {@code DELETE /v1/images/{id}}. @throws WispApiException {@code conflict} while a revision uses it */
    public void deleteImage(String id) {
        call(req("/v1/images/" + seg(id), true).DELETE(), null);
    }

    // ---- nodes, tenants, tokens ---------------------------------------------------------------

    /** {@code GET /v1/nodes}: capacity and usage of each node. */
    public List<NodeInfo> nodes() {
        return list(get("/v1/nodes", false), NodeInfo.class);
    }

    /** {@code GET /v1/tenants} (admin). */
    public List<Tenant> tenants() {
        return list(get("/v1/tenants", false), Tenant.class);
    }

    /** {@code POST /v1/tenants} (admin). */
    public Tenant createTenant(Tenant tenant) {
        return call(post("/v1/tenants", false, tenant), type(Tenant.class));
    }

    /** {@code DELETE /v1/tenants/{name}} (admin). */
    public void deleteTenant(String name) {
        call(req("/v1/tenants/" + seg(name), false).DELETE(), null);
    }

    /** {@code POST /v1/tenants/{name}/tokens} (admin). @return the new token, shown only this once */
    public TokenCreated createToken(String tenantName) {
        return call(
                req("/v1/tenants/" + seg(tenantName) + "/tokens", false).POST(HttpRequest.BodyPublishers.noBody()),
                type(TokenCreated.class));
    }

    /** {@code GET /v1/tenants/{name}/tokens} (admin): ids and creation times. */
    public List<TokenInfo> tokens(String tenantName) {
        return list(get("/v1/tenants/" + seg(tenantName) + "/tokens", false), TokenInfo.class);
    }

    /** {@code DELETE /v1/tenants/{name}/tokens/{id}} (admin). */
    public void deleteToken(String tenantName, String tokenId) {
        call(
                req("/v1/tenants/" + seg(tenantName) + "/tokens/" + seg(tokenId), false)
                        .DELETE(),
                null);
    }

    // ---- functions ----------------------------------------------------------------------------

    /**
     * {@code POST /v1/functions}: builds the function's image and answers once an instance runs, so
     * it waits up to the upload timeout (a Java function's first boot takes a while under TCG).
     */
    public Function deployFunction(FunctionDeploy spec) {
        return call(post("/v1/functions", true, spec).timeout(uploadTimeout), type(Function.class));
    }

    /** {@code GET /v1/functions}. @return the tenant's functions */
    public List<Function> functions() {
        return list(get("/v1/functions", true), Function.class);
    }

    /** {@code GET /v1/functions/{name}}. @throws WispApiException {@code not_found} if there is none */
    public Function function(String name) {
        return call(get("/v1/functions/" + seg(name), true), type(Function.class));
    }

    /** {@code DELETE /v1/functions/{name}}: stops it and drops its invocation records. */
    public void deleteFunction(String name) {
        call(req("/v1/functions/" + seg(name), true).DELETE(), null);
    }

    /** {@code GET /v1/functions/{name}/logs}: its latest calls, sync and async, oldest first. */
    public List<InvocationLogEntry> functionLogs(String name) {
        return list(get("/v1/functions/" + seg(name) + "/logs", true), InvocationLogEntry.class);
    }

    /**
     * {@code POST /v1/functions/{name}/invoke}: the handler's own answer, whatever its status.
     * Only transport failures throw.
     */
    public HttpResponse<byte[]> invoke(String function, byte[] body, String contentType) {
        HttpRequest r = req("/v1/functions/" + seg(function) + "/invoke", true)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return send(r, HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * The exception an error answer of {@link #invoke} stands for, for callers that tell the API's
     * own errors (JSON {@code {"error": ...}}: 404, 429, 503) from the handler's answers.
     */
    public WispApiException errorOf(int status, byte[] body) {
        return error(status, body);
    }

    /** {@code POST /v1/functions/{name}/invocations}. @param callbackUrl sent as X-Callback-Url, may be null */
    public InvocationAccepted invokeAsync(String function, byte[] body, String contentType, String callbackUrl) {
        HttpRequest.Builder r = req("/v1/functions/" + seg(function) + "/invocations", true)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (callbackUrl != null) {
            r.header("X-Callback-Url", callbackUrl);
        }
        return call(r, type(InvocationAccepted.class));
    }

    /** {@code GET /v1/functions/{name}/invocations/{id}}. */
    public Invocation invocation(String function, String id) {
        return call(get("/v1/functions/" + seg(function) + "/invocations/" + seg(id), true), type(Invocation.class));
    }

    /** {@code GET /v1/functions/{name}/dead-letters}. */
    public List<Invocation> deadLetters(String function) {
        return list(get("/v1/functions/" + seg(function) + "/dead-letters", true), Invocation.class);
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
        // No request timeout: the stream is meant to stay open; the connect timeout still applies.
        return new SseSubscription(
                        this,
                        last -> {
                            HttpRequest.Builder r = HttpRequest.newBuilder(uri("/v1/events", true))
                                    .header("Accept", "text/event-stream")
                                    .GET();
                            auth(r);
                            if (last != null) {
                                r.header("Last-Event-ID", last);
                            }
                            return r.build();
                        },
                        lastEventId,
                        reconnectDelay,
                        onEvent,
                        onError)
                .start();
    }

    // ---- plumbing -----------------------------------------------------------------------------

    HttpClient http() {
        return http;
    }

    WispApiException error(int status, byte[] body) {
        try {
            ErrorBody e = json.readValue(body, ErrorBody.class);
            if (e != null && e.error() != null && e.error().code() != null) {
                return new WispApiException(status, e.error().code(), e.error().message());
            }
        } catch (IOException notJson) {
            // fall through: a proxy or a crash answered, not the API
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        String message =
                text.isEmpty() ? "HTTP " + status : text.lines().findFirst().orElse("");
        return new WispApiException(
                status,
                WispApiException.codeFor(status),
                message.length() > 200 ? message.substring(0, 200) + "..." : message);
    }

    private static String svc(String name) {
        return "/v1/services/" + seg(name);
    }

    private URI uri(String path, boolean tenantScoped) {
        String q = tenantScoped && tenant != null ? "?tenant=" + seg(tenant) : "";
        return URI.create(base + path + q);
    }

    private HttpRequest.Builder req(String path, boolean tenantScoped) {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri(path, tenantScoped))
                .timeout(requestTimeout)
                .header("Accept", "application/json");
        auth(r);
        return r;
    }

    private void auth(HttpRequest.Builder r) {
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
    }

    private HttpRequest.Builder get(String path, boolean tenantScoped) {
        return req(path, tenantScoped).GET();
    }

    private HttpRequest.Builder post(String path, boolean tenantScoped, Object body) {
        return json(req(path, tenantScoped), "POST", body);
    }

    private HttpRequest.Builder json(HttpRequest.Builder r, String method, Object body) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write request body: " + e.getOriginalMessage(), e);
        }
        return r.header("Content-Type", JSON_TYPE).method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
    }

    private JavaType type(Class<?> c) {
        return json.getTypeFactory().constructType(c);
    }

    private <T> List<T> list(HttpRequest.Builder r, Class<T> item) {
        ItemList<T> l = call(r, json.getTypeFactory().constructParametricType(ItemList.class, item));
        return l == null || l.items() == null ? List.of() : l.items();
    }

    private <T> T call(HttpRequest.Builder r, JavaType type) {
        HttpResponse<byte[]> rsp = checked(send(r.build(), HttpResponse.BodyHandlers.ofByteArray()));
        return type == null ? null : parse(rsp, type);
    }

    private <T> T parse(HttpResponse<byte[]> rsp, JavaType type) {
        try {
            return json.readValue(rsp.body(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable answer from " + rsp.uri() + ": " + e.getMessage(), e);
        }
    }

    private HttpResponse<byte[]> checked(HttpResponse<byte[]> rsp) {
        if (rsp.statusCode() / 100 != 2) {
            throw error(rsp.statusCode(), rsp.body());
        }
        return rsp;
    }

    private <T> HttpResponse<T> send(HttpRequest r, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(r, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException("interrupted: " + r.method() + " " + r.uri()));
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new UncheckedIOException(
                    "cannot reach " + base + " (" + r.method() + " " + r.uri().getPath() + "): " + why, e);
        }
    }

    /** Percent-encodes one path segment or query value (names are validated server-side, but ids come from users). */
    private static String seg(String s) {
        Objects.requireNonNull(s, "path segment");
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "-._~:@".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
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
