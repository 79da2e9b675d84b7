package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** A real HTTP client against a control plane, with the few conveniences tests need. */
final class Http {
    record Answer(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        String code() {
            return json().path("error").path("code").asText();
        }

        /** Asserts the API refused with {@code status} and the error code {@code code}; returns this answer. */
        Answer refused(int status, String code) {
            assertThat(this.status).as("status of %s", body).isEqualTo(status);
            assertThat(code()).as("error code").isEqualTo(code);
            return this;
        }
    }

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    Http(String base) {
        this.base = base;
    }

    Answer send(String method, String path, String token, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(90));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (json != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return send(b.build());
    }

    Answer upload(String token, byte[] tar) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1/images"))
                .timeout(Duration.ofSeconds(90))
                .header("Content-Type", "application/x-tar")
                .POST(HttpRequest.BodyPublishers.ofByteArray(tar));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b.build());
    }

    /** Uploads the image folder {@code dir} as a tar and returns its id, once the API took it. */
    String uploadImage(String token, Path dir) throws IOException, InterruptedException {
        Answer a = upload(token, TestImages.tar(dir));
        assertThat(a.status()).as(a.body()).isIn(200, 201);
        return a.json().path("id").asText();
    }

    Answer get(String path, String token) {
        return send("GET", path, token, null);
    }

    Answer post(String path, String token, String json) {
        return send("POST", path, token, json);
    }

    Answer put(String path, String token, String json) {
        return send("PUT", path, token, json);
    }

    /** POSTs {@code json} and asserts it was created (201, else the answer's body says why). */
    Answer created(String path, String token, String json) {
        Answer a = post(path, token, json);
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return a;
    }

    /** Creates tenant {@code name} as the admin, with the API's {@code body}, and returns a new token of it. */
    String tenantToken(String admin, String name, String body) {
        created("/v1/tenants", admin, body);
        return created("/v1/tenants/" + name + "/tokens", admin, null)
                .json()
                .path("token")
                .asText();
    }

    /** Creates tenant {@code name} with no quota and returns a new token of it. */
    String tenantToken(String admin, String name) {
        return tenantToken(admin, name, "{\"name\":\"" + name + "\"}");
    }

    static Answer send(HttpRequest r) {
        try {
            HttpResponse<String> res = CLIENT.send(r, HttpResponse.BodyHandlers.ofString());
            return new Answer(res.statusCode(), res.body(), res);
        } catch (IOException e) {
            throw new AssertionError("request failed: " + r.method() + " " + r.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A GET through the router with a Host header, like a browser on NAME.localhost would send. */
    static Answer viaRouter(int routerPort, String host, String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + routerPort + path))
                .timeout(Duration.ofSeconds(90))
                .header("Host", host)
                .GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b.build());
    }
}
