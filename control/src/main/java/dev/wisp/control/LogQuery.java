package dev.wisp.control;

import dev.wisp.node.LogLine;
import dev.wisp.runtime.GuestStream;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The filters of {@code GET /v1/services/{name}/logs}: instance, revision, since, stream, tail,
 * follow. Each bad value is a one-line 400.
 */
record LogQuery(String instance, Integer revision, Instant since, String stream, int tail, boolean follow) {
    static final int DEFAULT_TAIL = 500;
    static final int MAX_TAIL = 10_000;
    private static final Pattern AGO = Pattern.compile("(\\d{1,9})(s|m|h|d)");

    static LogQuery parse(Map<String, String> q, Instant now) {
        String instance = q.get("instance");
        if (instance != null && !instance.matches("[a-z0-9-]{1,64}")) {
            throw ApiException.badRequest("instance must be an instance id (see GET /v1/services/{name}/instances)");
        }
        Integer revision = null;
        if (q.get("revision") != null) {
            revision = positive("revision", q.get("revision"), Integer.MAX_VALUE);
        }
        String stream = q.getOrDefault("stream", "app");
        if (!stream.matches("app|kernel|all|stdout|stderr")) {
            throw ApiException.badRequest(
                    "stream must be app, stdout, stderr, kernel or all, not '" + Names.shorten(stream) + "'");
        }
        int tail = q.get("tail") == null ? DEFAULT_TAIL : positive("tail", q.get("tail"), MAX_TAIL);
        String follow = q.getOrDefault("follow", "false");
        if (!follow.matches("true|false")) {
            throw ApiException.badRequest("follow must be true or false");
        }
        return new LogQuery(instance, revision, since(q.get("since"), now), stream, tail, follow.equals("true"));
    }

    /** {@code 10m}, {@code 2h}, {@code 30s}, {@code 1d} ago, or an RFC 3339 time; null for none. */
    static Instant since(String s, Instant now) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        Matcher m = AGO.matcher(s);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return now.minus(d);
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("since must be a duration like 10m, 2h, 30s, 1d or an RFC 3339 time, not '"
                    + Names.shorten(s) + "'");
        }
    }

    private static int positive(String name, String value, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below says it
        }
        throw ApiException.badRequest(name + " must be a whole number from 1 to " + max);
    }

    /** Whether a line passes the instance, since and stream filters (revision is chosen by the caller). */
    boolean matches(LogLine l) {
        if (instance != null && !instance.equals(l.instance())) {
            return false;
        }
        if (since != null && l.at().isBefore(since)) {
            return false;
        }
        return switch (stream) {
            case "all" -> true;
            case "kernel" -> l.stream() == GuestStream.KERNEL;
            case "stdout" -> l.stream() == GuestStream.STDOUT;
            case "stderr" -> l.stream() == GuestStream.STDERR;
            default -> l.stream() != GuestStream.KERNEL;
        };
    }
}
