package dev.wisp.control;

import dev.wisp.node.LogLine;
import dev.wisp.node.Node;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /v1/services/{name}/logs}: the retained console lines of a service's instances (every
 * revision, or one), the app's by default; with {@code follow=true} a chunked NDJSON stream that
 * goes on with new lines until the client hangs up. Lines come from this node's log book.
 */
final class LogsApi {
    static final String NDJSON = "application/x-ndjson; charset=utf-8";
    /** How many settings generations of a revision are searched (each deploys it under a new node key). */
    static final int GENERATIONS = 10;

    private final Registry registry;
    private final Node node;

    LogsApi(Registry registry, Node node) {
        this.registry = registry;
        this.node = node;
    }

    void register(ApiRoutes r) {
        r.add("GET", "/v1/services/{name}/logs", (c, who, p) -> logs(c, who, p));
    }

    private Reply logs(Call c, Caller who, Map<String, String> p) {
        String name = p.get("name");
        Optional<ServiceRecord> found = Names.valid(name) ? registry.service(who.tenant(), name) : Optional.empty();
        ServiceRecord s = found.orElseThrow(() -> ApiException.notFound("no service '" + Names.shorten(name) + "'"));
        LogQuery q = LogQuery.parse(c.query(), java.time.Instant.now());
        // Node service key -> revision number, the chosen revision only if one is asked for.
        Map<String, Integer> keys = new LinkedHashMap<>();
        for (RevisionRecord r : registry.revisions(who.tenant(), s.name())) {
            if (q.revision() == null || q.revision() == r.number()) {
                // A change of settings deploys the revision afresh under a new key: its earlier lines too.
                for (long g = Math.max(0, s.generation() - GENERATIONS + 1); g <= s.generation(); g++) {
                    keys.put(NodeKeys.key(s.tenant(), s.name(), r.number(), g), r.number());
                }
            }
        }
        if (q.revision() != null && keys.isEmpty()) {
            throw ApiException.notFound("service '" + s.name() + "' has no revision " + q.revision());
        }
        List<Shapes.LogLineView> backlog = new ArrayList<>();
        Map<String, Long> seen = new LinkedHashMap<>();
        List<LogLine> all = new ArrayList<>();
        List<Integer> revisionOf = new ArrayList<>();
        keys.forEach((key, rev) -> {
            List<LogLine> lines = node.logs(key);
            seen.put(key, lines.isEmpty() ? 0 : lines.getLast().seq());
            for (LogLine l : lines) {
                if (q.matches(l)) {
                    all.add(l);
                    revisionOf.add(rev);
                }
            }
        });
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong(i -> all.get(i).seq()));
        for (int i : order.subList(Math.max(0, order.size() - q.tail()), order.size())) {
            backlog.add(view(all.get(i), revisionOf.get(i)));
        }
        if (!q.follow()) {
            return ServicesApi.items(backlog);
        }
        StringBuilder first = new StringBuilder();
        backlog.forEach(v -> first.append(ndjson(v)));
        return Reply.follow(NDJSON, first.toString(), chunks -> {
            List<Runnable> stops = new ArrayList<>();
            keys.forEach((key, rev) -> stops.add(node.followLogs(key, seen.get(key), l -> {
                if (q.matches(l)) {
                    chunks.accept(ndjson(view(l, rev)));
                }
            })));
            return () -> stops.forEach(Runnable::run);
        });
    }

    static Shapes.LogLineView view(LogLine l, int revision) {
        return new Shapes.LogLineView(
                l.at().toString(), l.instance(), revision, l.stream().label(), l.text());
    }

    private static String ndjson(Shapes.LogLineView v) {
        return new String(Json.bytes(v), StandardCharsets.UTF_8) + "\n";
    }
}
