package dev.wisp.functions;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code /v1/functions/...} of docs/api.md over the JDK's HTTP server: list, invoke, async
 * invocations, dead letters, log. Errors are {@code {"error": {"code", "message"}}}. Auth is the
 * mounting server's job.
 */
final class FunctionsApi implements HttpHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "/v1/functions";
    private static final Set<String> PASSED_HEADERS = Set.of("content-type", "accept");

    private final Functions functions;

    FunctionsApi(Functions functions) {
        this.functions = functions;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            try {
                route(ex);
            } catch (FunctionException e) {
                error(ex, e.code().status(), e.code().id(), e.getMessage());
            } catch (MethodNotAllowed e) {
                ex.getResponseHeaders().set("Allow", e.getMessage());
                error(ex, 405, "method_not_allowed", "use " + e.getMessage());
            } catch (IllegalArgumentException e) {
                error(ex, 400, "bad_request", e.getMessage());
            } catch (RuntimeException e) {
                error(ex, 500, "internal", e.toString());
            }
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (!path.startsWith(PREFIX)) {
            throw new FunctionException(FunctionException.Code.NOT_FOUND, "no route " + path);
        }
        String[] p = path.substring(PREFIX.length()).replaceAll("^/+|/+$", "").split("/");
        String m = ex.getRequestMethod();
        if (p.length == 1 && p[0].isEmpty()) {
            requireMethod(m, "GET");
            json(ex, 200, Map.of("items", functions.list()));
        } else if (p.length == 1) {
            requireMethod(m, "GET");
            json(ex, 200, functions.get(p[0]));
        } else if (p.length == 2 && p[1].equals("invoke")) {
            requireMethod(m, "POST");
            FunctionResponse r = functions.invoke(p[0], call(ex));
            ex.getResponseHeaders().set("Content-Type", r.contentType().isEmpty() ? "application/octet-stream" : r.contentType());
            send(ex, r.status(), r.body());
        } else if (p.length == 2 && p[1].equals("invocations")) {
            requireMethod(m, "POST");
            Invocation inv = functions.invokeAsync(p[0], call(ex), ex.getRequestHeaders().getFirst("X-Callback-Url"));
            json(ex, 202, Map.of("id", inv.id()));
        } else if (p.length == 3 && p[1].equals("invocations")) {
            requireMethod(m, "GET");
            json(ex, 200, functions.invocation(p[0], p[2]).toApi());
        } else if (p.length == 2 && p[1].equals("dead-letters")) {
            requireMethod(m, "GET");
            functions.get(p[0]);
            List<Map<String, Object>> items = functions.deadLetters(p[0]).stream().map(Invocation::toApi).toList();
            json(ex, 200, Map.of("items", items));
        } else if (p.length == 2 && p[1].equals("log")) {
            requireMethod(m, "GET");
            json(ex, 200, Map.of("items", functions.log(p[0])));
        } else {
            throw new FunctionException(FunctionException.Code.NOT_FOUND, "no route " + path);
        }
    }

    /** The handler sees the path after {@code /invoke} (or {@code /invocations}) and the query. */
    private static FunctionCall call(HttpExchange ex) throws IOException {
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(Functions.MAX_SYNC_BODY + 1);
        }
        if (body.length > Functions.MAX_SYNC_BODY) {
            throw new FunctionException(FunctionException.Code.PAYLOAD_TOO_LARGE, "request body over 1 MiB");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> {
            if (PASSED_HEADERS.contains(k.toLowerCase(Locale.ROOT)) && !v.isEmpty()) {
                headers.put(k, v.get(0));
            }
        });
        String query = ex.getRequestURI().getRawQuery();
        return new FunctionCall("POST", query == null ? "/" : "/?" + query, headers, body);
    }

    private static void requireMethod(String actual, String expected) {
        if (!actual.equals(expected)) {
            throw new MethodNotAllowed(expected);
        }
    }

    /** 405 is not a function error, so it has its own type here. */
    private static final class MethodNotAllowed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MethodNotAllowed(String allowed) {
            super(allowed);
        }
    }

    private static void json(HttpExchange ex, int status, Object body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        send(ex, status, JSON.writeValueAsBytes(body));
    }

    private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        json(ex, status, Map.of("error", Map.of("code", code, "message", message == null ? code : message)));
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
