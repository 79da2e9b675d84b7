package dev.wisp.sdk;

import java.util.ArrayList;
import java.util.List;

/**
 * Which lines {@code GET /v1/services/{name}/logs} returns; null fields are the server's defaults.
 *
 * @param instance one instance id, or all
 * @param revision one revision, or every revision the service has
 * @param since    {@code 10m}, {@code 2h}, {@code 30s}, {@code 1d} ago or an RFC 3339 time
 * @param stream   {@code app} (stdout and stderr, the default), {@code stdout}, {@code stderr},
 *     {@code kernel} or {@code all}
 * @param tail     at most this many of the newest matching lines (default 500, at most 10,000)
 */
public record LogFilter(String instance, Integer revision, String since, String stream, Integer tail) {
    /** The app's lines of every instance, the server's default tail. */
    public static final LogFilter APP = new LogFilter(null, null, null, null, null);

    String query(boolean follow) {
        List<String> q = new ArrayList<>();
        add(q, "instance", instance);
        add(q, "revision", revision);
        add(q, "since", since);
        add(q, "stream", stream);
        add(q, "tail", tail);
        if (follow) {
            q.add("follow=true");
        }
        return q.isEmpty() ? "" : "?" + String.join("&", q);
    }

    private static void add(List<String> q, String name, Object value) {
        if (value != null) {
            q.add(name + "=" + ApiTransport.seg(value.toString()));
        }
    }
}
