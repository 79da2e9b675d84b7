package dev.wisp.sdk;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/** {@code GET /v1/services/{name}/logs} of {@link WispClient}: a listing, or a followed NDJSON stream. */
final class LogCalls {
    private final ApiTransport t;
    private final ObjectMapper json = WispJson.mapper();

    LogCalls(ApiTransport t) {
        this.t = t;
    }

    List<LogLine> list(String name, LogFilter f) {
        return t.list(t.get(path(name, f, false), true), LogLine.class);
    }

    /**
     * Opens the stream (errors such as 404 are thrown here), then reads it on a daemon thread until
     * it ends or the returned handle is closed; {@code onEnd} runs once when it stops either way.
     */
    Closeable follow(String name, LogFilter f, Consumer<LogLine> onLine, Runnable onEnd) {
        // No request timeout: the stream is meant to stay open; the connect timeout still applies.
        HttpRequest.Builder r = HttpRequest.newBuilder(t.uri(path(name, f, true), true))
                .header("Accept", "application/x-ndjson")
                .GET();
        t.auth(r);
        HttpResponse<InputStream> rsp = t.send(r.build(), HttpResponse.BodyHandlers.ofInputStream());
        InputStream in = rsp.body();
        if (rsp.statusCode() / 100 != 2) {
            try (in) {
                throw t.error(rsp.statusCode(), in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Thread.ofPlatform().daemon().name("wisp-logs").start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String l; (l = lines.readLine()) != null; ) {
                    if (!l.isBlank()) { // blank lines keep the connection alive
                        onLine.accept(json.readValue(l, LogLine.class));
                    }
                }
            } catch (IOException e) {
                // closed by the caller, or the server went away: the stream ends either way
            } finally {
                onEnd.run();
            }
        });
        return in;
    }

    private static String path(String name, LogFilter f, boolean follow) {
        return "/v1/services/" + ApiTransport.seg(name) + "/logs" + (f == null ? LogFilter.APP : f).query(follow);
    }
}
