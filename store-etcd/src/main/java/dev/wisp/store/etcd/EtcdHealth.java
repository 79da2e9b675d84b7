package dev.wisp.store.etcd;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** One look at an etcd member's {@code /health}: what a launcher polls until a member it started serves. */
public final class EtcdHealth {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private EtcdHealth() {}

    /**
     * Whether the member at {@code endpoint} (its client URL) says it is healthy; false while it
     * is not listening yet.
     */
    public static boolean healthy(URI endpoint) throws InterruptedException {
        HttpRequest health = HttpRequest.newBuilder(endpoint.resolve("/health"))
                .timeout(Duration.ofSeconds(2))
                .build();
        try {
            HttpResponse<String> r = HTTP.send(health, HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("\"health\":\"true\"");
        } catch (IOException e) {
            return false;
        }
    }
}
