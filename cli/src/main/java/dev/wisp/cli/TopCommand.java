package dev.wisp.cli;

import dev.wisp.sdk.Event;
import dev.wisp.sdk.EventSubscription;
import dev.wisp.sdk.Instance;
import dev.wisp.sdk.NodeInfo;
import dev.wisp.sdk.Service;
import dev.wisp.sdk.WispApiException;
import dev.wisp.sdk.WispClient;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code wisp top}: services and instances refreshing in place. Structure comes from the API each
 * interval, wakes from the event stream, request rate and p99 from the router's Prometheus series
 * (two readings an interval apart; without a metrics endpoint those columns show "-").
 */
@Command(name = "top", description = "Live view of services and instances: tiers, requests/s, p99, wakes.")
final class TopCommand extends TenantApiCommand {
    private static final Pattern NODE_KEY = Pattern.compile("(.+)-r\\d+-[0-9a-f]{6}");
    private static final String CLEAR = "\u001b[H\u001b[2J";
    private static final String HOME = "\u001b[H";
    private static final String ERASE_LINE = "\u001b[K";
    private static final String ERASE_BELOW = "\u001b[J";

    @Option(
            names = "--once",
            description =
                    "Print one frame without terminal control codes and exit (for scripts); rates cover one interval.")
    boolean once;

    @Option(
            names = "--interval",
            defaultValue = "1s",
            paramLabel = "DURATION",
            description = "Time between frames (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(
            names = "--metrics",
            paramLabel = "URL",
            description = "Prometheus endpoint for requests/s and p99 (default: API URL + /metrics).")
    URI metricsUrl;

    @Option(
            names = "--frames",
            defaultValue = "0",
            paramLabel = "N",
            description = "Stop after N frames; 0 runs until Ctrl-C (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(
            names = "--max-instances",
            defaultValue = "30",
            paramLabel = "N",
            description = "Instances listed at most (default: ${DEFAULT-VALUE}).")
    int maxInstances;

    private final Map<String, Integer> wakes = new ConcurrentHashMap<>();
    private HttpClient metricsHttp;
    private String metricsNote;

    @Override
    public Integer call() throws Exception {
        if (interval.toMillis() < 100) {
            throw new IllegalArgumentException("--interval must be at least 100ms");
        }
        if (frames < 0) {
            throw new IllegalArgumentException("--frames must be >= 0");
        }
        WispClient wisp = api.client();
        metricsHttp = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        URI metrics = metricsUrl != null ? metricsUrl : URI.create(wisp.baseUrl() + "/metrics");
        if (once) {
            Snapshot first = snapshot(wisp, metrics, true);
            Thread.sleep(interval.toMillis());
            Snapshot second = snapshot(wisp, metrics, false);
            frame(wisp.baseUrl(), first, second).forEach(out()::println);
            out().flush();
            return 0;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            out().print("\u001b[?25h");
            out().flush();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        EventSubscription sub = wisp.events(null, this::count, t -> {});
        try {
            out().print(CLEAR + "\u001b[?25l");
            Snapshot before = snapshot(wisp, metrics, true);
            int drawn = 0;
            while ((frames == 0 || drawn < frames) && !stop.await(interval.toMillis(), TimeUnit.MILLISECONDS)) {
                List<String> lines;
                Snapshot now;
                try {
                    now = snapshot(wisp, metrics, false);
                    lines = frame(wisp.baseUrl(), before, now);
                } catch (UncheckedIOException | WispApiException e) {
                    if (e instanceof WispApiException api && (api.status() == 401 || api.status() == 404)) {
                        throw e;
                    }
                    // a live view rides out a restart of the control plane: say so and keep trying
                    now = before;
                    lines = List.of("wisp top  " + wisp.baseUrl() + "  "
                            + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "  cannot refresh: " + e.getMessage());
                }
                PrintWriter o = out();
                StringBuilder b = new StringBuilder(HOME);
                for (String line : lines) {
                    b.append(line).append(ERASE_LINE).append('\n');
                }
                o.print(b.append(ERASE_BELOW));
                o.flush();
                before = now;
                drawn++;
            }
            out().print("\u001b[?25h");
            out().flush();
        } finally {
            sub.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook runs
            }
        }
        return 0;
    }

    private void count(Event e) {
        if ("instance.wake".equals(e.kind()) && e.service() != null) {
            wakes.merge(e.service(), 1, Integer::sum);
        }
    }

    record Snapshot(
            long nanos,
            List<Service> services,
            List<NodeInfo> nodes,
            Map<String, List<Instance>> instances,
            RouterStats stats,
            Map<String, Integer> wakes,
            String note) {}

    private Snapshot snapshot(WispClient wisp, URI metrics, boolean first) {
        List<Service> services = wisp.services();
        List<NodeInfo> nodes = nodes(wisp);
        Map<String, List<Instance>> instances = new LinkedHashMap<>();
        Map<String, String> instanceToService = new HashMap<>();
        for (Service s : services) {
            List<Instance> list = wisp.instances(s.name());
            instances.put(s.name(), list);
            list.forEach(i -> instanceToService.put(i.id(), s.name()));
            if (first || !wakes.containsKey(s.name())) {
                // seed from the recent history; the event stream adds the rest
                int seen = (int) wisp.serviceEvents(s.name()).stream()
                        .filter(e -> "instance.wake".equals(e.kind()))
                        .count();
                wakes.merge(s.name(), seen, Math::max);
            }
        }
        RouterStats stats = scrape(metrics, services, instanceToService);
        return new Snapshot(System.nanoTime(), services, nodes, instances, stats, Map.copyOf(wakes), metricsNote);
    }

    /** Node-wide usage is for admin tokens; a tenant's token gets 404 and sees no node rows. */
    private static List<NodeInfo> nodes(WispClient wisp) {
        try {
            return wisp.nodes();
        } catch (WispApiException e) {
            if (e.status() == 404) {
                return List.of();
            }
            throw e;
        }
    }

    private RouterStats scrape(URI metrics, List<Service> services, Map<String, String> instanceToService) {
        try {
            HttpRequest.Builder r = HttpRequest.newBuilder(metrics)
                    .timeout(Duration.ofSeconds(3))
                    .GET();
            r.header("Authorization", "Bearer " + api.token());
            HttpResponse<String> rsp = metricsHttp.send(r.build(), HttpResponse.BodyHandlers.ofString());
            if (rsp.statusCode() != 200) {
                metricsNote = "requests/s and p99: " + metrics + " answered " + rsp.statusCode();
                return RouterStats.empty();
            }
            metricsNote = null;
            List<String> names = services.stream().map(Service::name).toList();
            return RouterStats.parse(rsp.body(), labels -> serviceOf(labels, names, instanceToService));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            metricsNote = "requests/s and p99: no metrics at " + metrics;
            return RouterStats.empty();
        }
    }

    /** Which API service a router series belongs to: by instance id, by name, or by the node key {@code NAME-rN-hash}. */
    static String serviceOf(Map<String, String> labels, List<String> names, Map<String, String> instanceToService) {
        String byInstance = instanceToService.get(labels.get("instance"));
        if (byInstance != null) {
            return byInstance;
        }
        String svc = labels.get("service");
        if (svc == null) {
            return null;
        }
        if (names.contains(svc)) {
            return svc;
        }
        Matcher m = NODE_KEY.matcher(svc);
        if (m.matches()) {
            String head = m.group(1);
            for (String n : names) {
                if (n.equals(head) || (n.startsWith(head) && head.length() >= 8)) {
                    return n;
                }
            }
        }
        return null;
    }

    /** One screen: header, node line, services with rates between two snapshots, instances. */
    List<String> frame(URI apiUrl, Snapshot before, Snapshot now) {
        List<String> lines = new ArrayList<>();
        double seconds = (now.nanos() - before.nanos()) / 1e9;
        lines.add("wisp top  " + apiUrl + "  " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS)
                + (once ? "" : "  (every " + interval.toMillis() / 1000.0 + " s, Ctrl-C quits)"));
        for (NodeInfo n : now.nodes()) {
            StringBuilder b = new StringBuilder("node " + n.name());
            if (n.allocated() != null && n.capacity() != null) {
                b.append(String.format(
                        Locale.ROOT,
                        "  vCPU %s/%s  memory %s/%s MiB",
                        n.allocated().vcpus(),
                        n.capacity().vcpus(),
                        n.allocated().memoryMiB(),
                        n.capacity().memoryMiB()));
            }
            if (n.instances() != null) {
                b.append(String.format(
                        Locale.ROOT,
                        "  %s running, %s paused, %s snapshotted",
                        n.instances().running(),
                        n.instances().paused(),
                        n.instances().snapshotted()));
            }
            lines.add(b.toString());
        }
        lines.add("");
        Table t = new Table("SERVICE", "REV", "READY", "RUNNING", "PAUSED", "SNAPSHOTTED", "RPS", "P99", "WAKES");
        for (Service s : now.services()) {
            List<Instance> inst = now.instances().getOrDefault(s.name(), List.of());
            Double rps = now.stats().rps(before.stats(), s.name(), seconds);
            Double p99 = now.stats().p99(before.stats(), s.name());
            t.row(
                    s.name(),
                    s.revision(),
                    s.status() == null ? null : LsCommand.yesNo(s.status().ready()),
                    tier(inst, "running"),
                    tier(inst, "paused"),
                    tier(inst, "snapshotted"),
                    rps == null ? null : String.format(Locale.ROOT, "%.1f", rps),
                    p99 == null ? null : p99.isInfinite() ? ">60s" : String.format(Locale.ROOT, "%.0fms", p99 * 1000),
                    now.wakes().getOrDefault(s.name(), 0));
        }
        if (t.size() == 0) {
            lines.add("no services (wisp deploy NAME --dir FOLDER --entrypoint CMD)");
        } else {
            lines.addAll(t.lines());
        }
        lines.add("");
        Table it = new Table("INSTANCE", "SERVICE", "REV", "TIER", "STATE", "BUSY");
        int shown = 0;
        int total = 0;
        for (Map.Entry<String, List<Instance>> e : now.instances().entrySet()) {
            for (Instance i : e.getValue()) {
                total++;
                if (shown < maxInstances) {
                    it.row(i.id(), e.getKey(), i.revision(), i.tier(), i.state(), LsCommand.yesNo(i.busy()));
                    shown++;
                }
            }
        }
        if (total == 0) {
            lines.add("no instances");
        } else {
            lines.addAll(it.lines());
            if (total > shown) {
                lines.add("... " + (total - shown) + " more instances");
            }
        }
        if (now.note() != null) {
            lines.add("");
            lines.add(now.note());
        }
        return lines;
    }

    private static long tier(List<Instance> instances, String tier) {
        return instances.stream().filter(i -> tier.equals(i.tier())).count();
    }
}
