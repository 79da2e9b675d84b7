package dev.wisp.sdk;

import static dev.wisp.sdk.ApiTransport.seg;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** The {@code /v1/functions} routes of {@link WispClient}: deploy, sync and async calls, their records. */
record FunctionCalls(ApiTransport t, Duration uploadTimeout) {
    Function deploy(FunctionDeploy spec) {
        return t.call(t.post("/v1/functions", true, spec).timeout(uploadTimeout), t.type(Function.class));
    }

    List<Function> functions() {
        return t.list(t.get("/v1/functions", true), Function.class);
    }

    Function function(String name) {
        return t.call(t.get(fn(name), true), t.type(Function.class));
    }

    void delete(String name) {
        t.call(t.req(fn(name), true).DELETE(), null);
    }

    List<InvocationLogEntry> logs(String name) {
        return t.list(t.get(fn(name) + "/logs", true), InvocationLogEntry.class);
    }

    HttpResponse<byte[]> invoke(String function, byte[] body, String contentType) {
        HttpRequest r = t.req(fn(function) + "/invoke", true)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return t.send(r, HttpResponse.BodyHandlers.ofByteArray());
    }

    InvocationAccepted invokeAsync(String function, byte[] body, String contentType, String callbackUrl) {
        HttpRequest.Builder r = t.req(fn(function) + "/invocations", true)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (callbackUrl != null) {
            r.header("X-Callback-Url", callbackUrl);
        }
        return t.call(r, t.type(InvocationAccepted.class));
    }

    Invocation invocation(String function, String id) {
        return t.call(t.get(fn(function) + "/invocations/" + seg(id), true), t.type(Invocation.class));
    }

    List<Invocation> deadLetters(String function) {
        return t.list(t.get(fn(function) + "/dead-letters", true), Invocation.class);
    }

    private static String fn(String name) {
        return "/v1/functions/" + seg(name);
    }
}
