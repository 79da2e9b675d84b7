package dev.wisp.functions;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** POSTs a finished invocation's result to its callback URL: 3 tries, 0.5 s then 1 s apart. */
final class Callbacks {
    static final int TRIES = 3;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Checks a callback URL when the invocation is accepted, so a bad one is a 400, not a silent loss. */
    static String validate(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        try {
            URI u = URI.create(url.strip());
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return u.toString();
        } catch (IllegalArgumentException e) {
            throw new FunctionException(FunctionException.Code.BAD_REQUEST, "callback URL must be an absolute http(s) URL: " + url);
        }
    }

    /** @return what the receiver answered ("200") or why it failed */
    String deliver(Invocation inv) {
        String last = "not sent";
        for (int i = 0; i < TRIES; i++) {
            try {
                if (i > 0) {
                    Thread.sleep(500L << (i - 1));
                }
                HttpRequest req = HttpRequest.newBuilder(URI.create(inv.callbackUrl())).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json").header("X-Wisp-Invocation-Id", inv.id())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(inv.toApi()))).build();
                int code = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                last = Integer.toString(code);
                if (code < 500) {
                    return last;
                }
            } catch (IOException e) {
                last = "failed: " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "failed: interrupted";
            }
        }
        return last;
    }
}
