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
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The HTTP plumbing under {@link WispClient}: builds authenticated, tenant-scoped requests with the
 * request timeout, sends them, turns error answers into {@link WispApiException} and bodies into
 * typed results. The route classes ({@link ServiceCalls}, {@link FunctionCalls}, ...) sit on top.
 */
final class ApiTransport {
    private static final String JSON_TYPE = "application/json; charset=utf-8";

    private final URI base;
    private final String token;
    private final String tenant;
    private final Duration requestTimeout;
    private final HttpClient http;
    private final ObjectMapper json = WispJson.mapper();

    ApiTransport(URI base, String token, String tenant, Duration requestTimeout, Duration connectTimeout) {
        this.base = base;
        this.token = token;
        this.tenant = tenant;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    URI base() {
        return base;
    }

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

    URI uri(String path, boolean tenantScoped) {
        String q = tenantScoped && tenant != null ? (path.contains("?") ? "&" : "?") + "tenant=" + seg(tenant) : "";
        return URI.create(base + path + q);
    }

    HttpRequest.Builder req(String path, boolean tenantScoped) {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri(path, tenantScoped))
                .timeout(requestTimeout)
                .header("Accept", "application/json");
        auth(r);
        return r;
    }

    void auth(HttpRequest.Builder r) {
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
    }

    HttpRequest.Builder get(String path, boolean tenantScoped) {
        return req(path, tenantScoped).GET();
    }

    HttpRequest.Builder post(String path, boolean tenantScoped, Object body) {
        return json(req(path, tenantScoped), "POST", body);
    }

    HttpRequest.Builder json(HttpRequest.Builder r, String method, Object body) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write request body: " + e.getOriginalMessage(), e);
        }
        return r.header("Content-Type", JSON_TYPE).method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
    }

    JavaType type(Class<?> c) {
        return json.getTypeFactory().constructType(c);
    }

    <T> List<T> list(HttpRequest.Builder r, Class<T> item) {
        ItemList<T> l = call(r, json.getTypeFactory().constructParametricType(ItemList.class, item));
        return l == null || l.items() == null ? List.of() : l.items();
    }

    <T> T call(HttpRequest.Builder r, JavaType type) {
        HttpResponse<byte[]> rsp = checked(send(r.build(), HttpResponse.BodyHandlers.ofByteArray()));
        return type == null ? null : parse(rsp, type);
    }

    <T> T parse(HttpResponse<byte[]> rsp, JavaType type) {
        try {
            return json.readValue(rsp.body(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable answer from " + rsp.uri() + ": " + e.getMessage(), e);
        }
    }

    HttpResponse<byte[]> checked(HttpResponse<byte[]> rsp) {
        if (rsp.statusCode() / 100 != 2) {
            throw error(rsp.statusCode(), rsp.body());
        }
        return rsp;
    }

    <T> HttpResponse<T> send(HttpRequest r, HttpResponse.BodyHandler<T> handler) {
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
    static String seg(String s) {
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
}
