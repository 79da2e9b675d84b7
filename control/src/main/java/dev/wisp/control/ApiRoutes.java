package dev.wisp.control;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The API's route table: method + path template ({@code /v1/services/{name}}) to handler. The
 * OpenAPI document is checked against {@link #all()} by a test.
 */
final class ApiRoutes {
    /** Handles one matched request. */
    @FunctionalInterface
    interface Handler {
        Reply handle(Call call, Caller caller, Map<String, String> params);
    }

    /** A route; {@code open} ones need no token. */
    record Route(String method, String template, boolean open, Handler handler) {
        String[] segments() {
            return template.substring(1).split("/");
        }
    }

    /** A matched route with its path parameters. */
    record Match(Route route, Map<String, String> params) {}

    private final List<Route> routes = new ArrayList<>();

    void add(String method, String template, Handler handler) {
        routes.add(new Route(method, template, false, handler));
    }

    void open(String method, String template, Handler handler) {
        routes.add(new Route(method, template, true, handler));
    }

    List<Route> all() {
        return List.copyOf(routes);
    }

    /**
     * Finds the route for a path; 404 if no template matches the path, 405 if one does but not for
     * this method.
     */
    Match match(String method, String path) {
        String[] parts =
                path.length() <= 1 ? new String[] {""} : path.substring(1).split("/", -1);
        boolean pathKnown = false;
        for (Route r : routes) {
            Map<String, String> params = matchPath(r.segments(), parts);
            if (params != null) {
                pathKnown = true;
                if (r.method().equals(method)) {
                    return new Match(r, params);
                }
            }
        }
        if (pathKnown) {
            throw new ApiException(405, "method_not_allowed", method + " is not allowed on " + Names.shorten(path));
        }
        throw ApiException.notFound("no route " + Names.shorten(path));
    }

    private static Map<String, String> matchPath(String[] template, String[] parts) {
        if (template.length != parts.length) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (t.startsWith("{") && t.endsWith("}")) {
                if (parts[i].isEmpty()) {
                    return null;
                }
                params.put(t.substring(1, t.length() - 1), parts[i]);
            } else if (!t.equals(parts[i])) {
                return null;
            }
        }
        return params;
    }
}
