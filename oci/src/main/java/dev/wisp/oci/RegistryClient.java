package dev.wisp.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * A client of the OCI Distribution API on the JDK's HTTP client: manifests and blobs, anonymous or with
 * basic credentials, Bearer tokens from the registry's {@code WWW-Authenticate} challenge. HTTPS with
 * the system CAs (plus an optional CA file); plain HTTP only for loopback or registries named insecure.
 * Thread-safe; one per set of options.
 */
public final class RegistryClient {
    /** Registries must accept manifests of 4 MB; we read no more than that. */
    static final int MAX_MANIFEST_BYTES = 4 << 20;

    static final int MAX_ERROR_BODY = 64 << 10;
    private static final int MAX_REDIRECTS = 5;
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127(?:\\.\\d{1,3}){3}");

    private final RegistryOptions options;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    public RegistryClient(RegistryOptions options) {
        this.options = options;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER) // followed by hand: credentials stay on the registry
                .sslContext(Tls.context(options.caFile()))
                .build();
    }

    /** A source for one repository of a registry reference. */
    ImageSource open(ImageReference ref) {
        if (ref.kind() != ImageReference.Kind.REGISTRY) {
            throw new IllegalArgumentException("not a registry reference: " + ref);
        }
        return new Repo(ref);
    }

    /** True for hosts we may speak plain HTTP to: loopback, or named insecure in the options. */
    boolean plainHttpAllowed(String hostPort) {
        if (options.insecureRegistries().contains(hostPort)) {
            return true;
        }
        String host = hostPort;
        int colon = hostPort.lastIndexOf(':');
        if (colon > hostPort.lastIndexOf(']')) {
            host = hostPort.substring(0, colon);
        }
        host = host.toLowerCase(Locale.ROOT);
        return host.equals("localhost")
                || host.equals("[::1]")
                || LOOPBACK_V4.matcher(host).matches();
    }

    /** One repository of one registry: the scheme it speaks and the credentials it took. */
    private final class Repo implements ImageSource {
        private final ImageReference ref;
        private final RegistryFailures failures;
        private final String endpoint;
        private volatile String base;
        private volatile String authorization;

        Repo(ImageReference ref) {
            this.ref = ref;
            this.failures = new RegistryFailures(ref, options.username(), json);
            this.endpoint = ref.endpoint();
        }

        @Override
        public String describe() {
            return ref.toString();
        }

        @Override
        public RawManifest manifest(String reference) throws IOException {
            String what = "manifest " + reference + " of " + ref;
            HttpResponse<InputStream> r =
                    get("/v2/" + ref.repository() + "/manifests/" + reference, MediaTypes.ACCEPT, what);
            byte[] bytes;
            try (InputStream in = r.body()) {
                bytes = readBounded(in, MAX_MANIFEST_BYTES);
            }
            if (bytes == null) {
                throw new OciException(what + " is larger than " + MAX_MANIFEST_BYTES + " bytes");
            }
            String type = r.headers().firstValue("Content-Type").orElse("");
            int semi = type.indexOf(';');
            type = (semi < 0 ? type : type.substring(0, semi)).strip();
            Digest digest = Digest.of(bytes);
            if (reference.startsWith("sha256:") && !digest.equals(Digest.parse(reference))) {
                throw new OciException("registry " + ref.registry() + " served " + what + " with digest " + digest
                        + ", not the " + reference + " asked for");
            }
            return new RawManifest(bytes, type, digest);
        }

        @Override
        public InputStream blob(Descriptor d) throws IOException {
            return get("/v2/" + ref.repository() + "/blobs/" + d.digest(), null, "blob " + d.digest() + " of " + ref)
                    .body();
        }

        private HttpResponse<InputStream> get(String path, String accept, String what) throws IOException {
            ensureBase(what);
            URI uri = URI.create(base + path);
            boolean authTried = false;
            for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
                boolean onRegistry = endpoint.equalsIgnoreCase(uri.getRawAuthority());
                HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                        .timeout(options.requestTimeout())
                        .GET();
                if (accept != null) {
                    b.header("Accept", accept);
                }
                String auth = authorization;
                if (auth != null && onRegistry) {
                    b.header("Authorization", auth);
                }
                HttpResponse<InputStream> r = send(b.build(), what);
                int sc = r.statusCode();
                if (sc >= 200 && sc < 300) {
                    return r;
                }
                if (sc == 401 && onRegistry && !authTried) {
                    drain(r);
                    authenticate(r.headers(), what);
                    authTried = true;
                    hop--;
                    continue;
                }
                if (sc == 301 || sc == 302 || sc == 303 || sc == 307 || sc == 308) {
                    drain(r);
                    String location = r.headers()
                            .firstValue("Location")
                            .orElseThrow(() ->
                                    new OciException(ref.registry() + " redirected " + what + " without a Location"));
                    uri = uri.resolve(location);
                    if (!"https".equals(uri.getScheme())
                            && !("http".equals(uri.getScheme()) && plainHttpAllowed(uri.getRawAuthority()))) {
                        throw new OciException(ref.registry() + " redirected " + what + " to " + uri.getScheme() + "://"
                                + uri.getRawAuthority()
                                + ", which is neither HTTPS nor an allowed plain-HTTP registry");
                    }
                    continue;
                }
                throw failures.of(r, what);
            }
            throw new OciException(ref.registry() + ": more than " + MAX_REDIRECTS + " redirects for " + what);
        }

        /** Finds the scheme once: HTTPS, or plain HTTP where allowed and the server does not speak TLS. */
        private void ensureBase(String what) throws IOException {
            if (base != null) {
                return;
            }
            String https = "https://" + endpoint;
            try {
                HttpResponse<InputStream> r = send(
                        HttpRequest.newBuilder(URI.create(https + "/v2/"))
                                .timeout(options.requestTimeout())
                                .GET()
                                .build(),
                        what);
                drain(r);
                base = https;
            } catch (SSLException e) {
                if (isCertificateProblem(e)) {
                    throw new OciException(
                            "registry " + ref.registry() + ": its TLS certificate is not trusted (" + rootMessage(e)
                                    + "); give its CA file",
                            e);
                }
                if (!plainHttpAllowed(endpoint)) {
                    throw new OciException(
                            "registry " + ref.registry() + " does not speak TLS (" + rootMessage(e)
                                    + "); plain HTTP is used only for loopback or registries named insecure",
                            e);
                }
                base = "http://" + endpoint;
            }
        }

        private HttpResponse<InputStream> send(HttpRequest req, String what) throws IOException {
            long connectS = options.connectTimeout().toSeconds();
            long requestS = options.requestTimeout().toSeconds();
            long start = System.nanoTime();
            try {
                return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            } catch (HttpConnectTimeoutException e) {
                if (System.nanoTime() - start >= options.requestTimeout().toNanos()) {
                    // the JDK says "connect" when a server accepts and never answers: it was the request's time
                    throw new OciException(
                            OciException.Kind.UNAVAILABLE,
                            "registry " + ref.registry() + " did not answer within " + requestS + " s (" + what + ")",
                            e);
                }
                throw new OciException(
                        OciException.Kind.UNAVAILABLE,
                        "registry " + ref.registry() + " is unreachable: no connection within " + connectS + " s ("
                                + what + ")",
                        e);
            } catch (HttpTimeoutException e) {
                throw new OciException(
                        OciException.Kind.UNAVAILABLE,
                        "registry " + ref.registry() + " did not answer within " + requestS + " s (" + what + ")",
                        e);
            } catch (ConnectException e) {
                throw new OciException(
                        OciException.Kind.UNAVAILABLE,
                        "registry " + ref.registry() + " is down or unreachable: connection refused at "
                                + req.uri().getScheme() + "://" + req.uri().getRawAuthority() + " (" + what + ")",
                        e);
            } catch (SSLException e) {
                throw e;
            } catch (IOException e) {
                throw new OciException(
                        OciException.Kind.UNAVAILABLE,
                        "registry " + ref.registry() + ": " + what + " failed: " + rootMessage(e),
                        e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OciException("interrupted while fetching " + what, e);
            }
        }

        private void authenticate(HttpHeaders headers, String what) throws IOException {
            Challenge c = Challenge.pick(headers.allValues("WWW-Authenticate"));
            if (c == null) {
                throw new OciException("registry " + ref.registry()
                        + " answered 401 without a Basic or Bearer challenge (" + what + ")");
            }
            if (c.scheme().equals("basic")) {
                if (options.username() == null) {
                    throw failures.needsCredentials(what);
                }
                authorization = basic();
                return;
            }
            authorization = "Bearer " + token(c, what);
        }

        /** Asks the challenge's realm for a pull token, with the basic credentials when we have them. */
        private String token(Challenge c, String what) throws IOException {
            String realm = c.params().get("realm");
            if (realm == null || realm.isEmpty()) {
                throw new OciException("registry " + ref.registry() + " asked for a Bearer token without a realm");
            }
            String scope = c.params().getOrDefault("scope", "repository:" + ref.repository() + ":pull");
            StringBuilder q = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?');
            String service = c.params().get("service");
            if (service != null) {
                q.append("service=")
                        .append(URLEncoder.encode(service, StandardCharsets.UTF_8))
                        .append('&');
            }
            q.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
            URI uri;
            try {
                uri = URI.create(q.toString());
            } catch (IllegalArgumentException e) {
                throw new OciException("registry " + ref.registry() + " gave a bad token realm '" + realm + "'");
            }
            boolean secure = "https".equals(uri.getScheme());
            if (!secure && !("http".equals(uri.getScheme()) && plainHttpAllowed(uri.getRawAuthority()))) {
                throw new OciException("registry " + ref.registry() + " sent its token realm " + realm
                        + ", which is neither HTTPS nor an allowed plain-HTTP host");
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                    .timeout(options.requestTimeout())
                    .GET();
            if (options.username() != null) {
                b.header("Authorization", basic());
            }
            HttpResponse<InputStream> r = send(b.build(), "token for " + what);
            byte[] body;
            try (InputStream in = r.body()) {
                body = readBounded(in, MAX_ERROR_BODY);
            }
            if (r.statusCode() == 401 || r.statusCode() == 403) {
                throw failures.unauthorized(what);
            }
            if (r.statusCode() != 200 || body == null) {
                throw new OciException(
                        "token service " + uri.getRawAuthority() + " answered " + r.statusCode() + " (" + what + ")");
            }
            JsonNode n = json.readTree(body);
            String token = n.path("token").asText(n.path("access_token").asText(""));
            if (token.isEmpty()) {
                throw new OciException("token service " + uri.getRawAuthority() + " answered without a token");
            }
            return token;
        }

        private String basic() {
            String pair = options.username() + ":" + options.password();
            return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Reads at most {@code max} bytes; null when there are more. */
    static byte[] readBounded(InputStream in, int max) throws IOException {
        byte[] b = in.readNBytes(max + 1);
        return b.length > max ? null : b;
    }

    private static void drain(HttpResponse<InputStream> r) {
        try (InputStream in = r.body()) {
            in.skip(MAX_ERROR_BODY);
        } catch (IOException ignored) {
            // the connection is dropped instead of reused
        }
    }

    private static boolean isCertificateProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException || t instanceof CertPathValidatorException) {
                return true;
            }
        }
        return false;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
