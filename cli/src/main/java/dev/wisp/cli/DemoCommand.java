package dev.wisp.cli;

import dev.wisp.bench.HeyLoad;
import dev.wisp.control.ControlPlane;
import dev.wisp.image.Image;
import dev.wisp.image.Kernel;
import dev.wisp.runtime.RuntimeConfig;
import dev.wisp.sdk.DeployRequest;
import dev.wisp.sdk.Resources;
import dev.wisp.sdk.Revision;
import dev.wisp.sdk.Scaling;
import dev.wisp.sdk.Service;
import dev.wisp.sdk.Standby;
import dev.wisp.sdk.WispClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code wisp demo}: the platform's main job in about a minute, on a fresh machine. Starts the
 * platform in this process, builds and deploys the hello example through the API, asks it through
 * the router, bursts it until it scales out, watches it sleep (paused, then snapshotted) and wake,
 * and redeploys it under traffic; every step timed, one line each.
 */
@Command(
        name = "demo",
        description =
                "Start the platform, deploy the hello example, burst it, watch it sleep and wake, redeploy it: every step timed.")
final class DemoCommand extends OutputCommand implements Callable<Integer> {
    static final String SERVICE = "hello";
    private static final String WHOAMI = "/cgi-bin/whoami";
    private static final Duration TIER_WAIT = Duration.ofSeconds(60);

    @Option(
            names = "--api-port",
            defaultValue = "0",
            description = "API and dashboard port, 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int apiPort;

    @Option(
            names = "--router-port",
            defaultValue = "0",
            description = "Router port, 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int routerPort;

    @Option(
            names = "--requests",
            defaultValue = "320",
            description =
                    "Requests in the burst, rounded up to a multiple of --concurrency (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(
            names = "--concurrency",
            defaultValue = "16",
            description = "Concurrent requests in the burst (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(
            names = "--keep",
            description = "Leave the platform running at the end, to look at the dashboard; Ctrl-C stops it.")
    boolean keep;

    @Option(
            names = "--cluster",
            description = "Instead: a 3-member etcd and 3 nodes on this machine; deploy, placement, kill -9 of a node.")
    boolean cluster;

    @Mixin
    HostOptions host;

    @Override
    public Integer call() throws Exception {
        if (cluster) {
            Image image = ExampleApps.hello(host.kernel(), host.images());
            List<String> flags = new java.util.ArrayList<>(List.of("--accel", host.accel, "--vmm-pool", "0"));
            if (host.kernel != null) {
                flags.addAll(List.of("--kernel", host.kernel));
            }
            return new DemoCluster(out()).run(image, flags, keep);
        }
        if (requests < 1 || requests > 100_000 || concurrency < 1 || concurrency > 256 || concurrency > requests) {
            throw new IllegalArgumentException(
                    "--requests must be 1..100000 and --concurrency 1..256, at most --requests");
        }
        DemoPlatform.checkPorts(apiPort, routerPort);
        say(
                "Wisp demo: the platform on this machine (state store, API, node, router), one app deployed, scaled and put to sleep.");
        Kernel kernel = timed("guest kernel ready (Debian cloud kernel, cached after the first run)", host::kernel);
        RuntimeConfig runtime = host.hostRuntime();
        say("   accelerator: " + DemoPlatform.accelerator(runtime, kernel));
        Path dir = host.home().resolve("demo");
        ControlPlane cp = timed(
                "platform started, data in " + dir + " (wiped first)",
                () -> DemoPlatform.start(dir, kernel, runtime, apiPort, routerPort));
        try (ExitHook hook = ExitHook.install(cp::close, "wisp-demo-shutdown")) {
            say("   API + dashboard  " + cp.apiUrl() + "/");
            say("   router           " + cp.routerUrl() + "/   (services at http://NAME.localhost:" + cp.routerPort()
                    + "/)");
            say("   admin token      " + cp.adminTokenFile());
            say("   sign in          " + cp.signInLink() + "  (one-time link to the dashboard)");
            WispClient wisp = WispClient.builder()
                    .baseUrl(URI.create(cp.apiUrl()))
                    .token(Files.readString(cp.adminTokenFile()).strip())
                    .build();
            try (DemoEvents events = DemoEvents.watch(wisp, SERVICE)) {
                tour(wisp, cp, kernel, events);
            }
            if (keep) {
                say("The platform keeps running: open " + cp.apiUrl() + "/ with the token in " + cp.adminTokenFile()
                        + "; Ctrl-C stops");
                hook.await();
                return 0;
            }
        }
        long qemus = ProcessHandle.current()
                .descendants()
                .filter(p -> p.info().command().orElse("").contains("qemu"))
                .count();
        say(
                qemus == 0
                        ? "   platform stopped: every microVM stopped, no QEMU process left"
                        : "   platform stopped, but " + qemus + " QEMU processes are still running");
        say(
                "Done. Next: ./wisp up (the platform to keep), ./wisp deploy, ./wisp top; ./wisp demo --keep to look at the dashboard");
        return qemus == 0 ? 0 : 1;
    }

    private void tour(WispClient wisp, ControlPlane cp, Kernel kernel, DemoEvents events) throws Exception {
        Image image = timed(
                "image built from examples/hello (content-addressed, rebuilds are free)",
                () -> ExampleApps.hello(kernel, host.images()));
        String imageId = timed(
                "image pushed through the API (POST /v1/images, " + Sizes.human(image.initrdBytes()) + ")",
                () -> wisp.pushImage(image.dir()).id());
        // Short demo timings, so every tier shows within seconds (the defaults sleep after 1 s and 60 s).
        Scaling scaling = new Scaling(0, 4, 1, 2.0, null, "6s", null, null, null, null, "1s", null, null);
        Standby standby = new Standby("snapshot", "1s", "5s", "10m");
        Revision first = timed(
                "service '" + SERVICE + "' deployed and serving (revision 1: warm template booted, "
                        + "instance cloned from it)",
                () -> {
                    wisp.createService(Service.builder(SERVICE, imageId)
                            .resources(new Resources(1, 128))
                            .scaling(scaling)
                            .standby(standby)
                            .build());
                    return RevisionWait.untilServing(wisp, SERVICE, 1, Duration.ofSeconds(180), (f, a) -> {});
                });
        DemoCurl curl = new DemoCurl(SERVICE, cp.routerPort(), WHOAMI);
        DemoCurl.Answer answer = curl.get();
        say(line(answer.millis(), "curl " + curl.url() + " -> " + shown(answer)));
        if (!answer.ok()) {
            throw new IllegalStateException("the router did not serve " + curl.url() + ": " + shown(answer));
        }

        // hey gives each of its workers n/c requests: round up so all that were asked for are sent.
        int burstRequests = (requests + concurrency - 1) / concurrency * concurrency;
        say("   burst: hey -n " + burstRequests + " -c " + concurrency
                + ", instances starting as the autoscaler asks:");
        events.resetMax(first.number());
        events.print(out());
        HeyLoad.Report burst =
                timed("burst done", () -> DemoBurst.run(SERVICE, cp.routerPort(), WHOAMI, burstRequests, concurrency));
        say(String.format(
                Locale.ROOT,
                "   %d requests: %s (%.0f requests/s, p99 %.0f ms); scaled out to %d instances",
                burst.requests(),
                burst.outcome(),
                burst.requestsPerSecond(),
                burst.p99Ms(),
                events.maxRunning(first.number())));

        sleepAndWake(curl, events, first.number());

        say("   redeploy with GREETING=v2 under steady traffic (curl, one request after another):");
        try (DemoTraffic traffic = DemoTraffic.start(curl)) {
            traffic.awaitAnswers(first.number(), 1, 60_000);
            Revision second = timed(
                    "revision 2 deployed and serving (its own warm template; revision " + first.number()
                            + " keeps serving until then)",
                    () -> {
                        Revision r =
                                wisp.deploy(SERVICE, new DeployRequest(imageId, Map.of("GREETING", "v2"), null, null));
                        return RevisionWait.untilServing(
                                wisp, SERVICE, r.number(), Duration.ofSeconds(180), (f, a) -> {});
                    });
            traffic.awaitAnswers(second.number(), 5, 30_000);
            traffic.close();
            say("   " + traffic.summary(first.number(), second.number()));
        }
        events.quiet();
    }

    /** Idle instances sink a tier at a time; a request wakes one, from whichever tier it is in. */
    private void sleepAndWake(DemoCurl curl, DemoEvents events, int revision) throws Exception {
        say("   idle: pause after 1 s, snapshot after 5 s (tier changes from the API's event stream):");
        events.print(out());
        awaitTiers(
                events,
                revision,
                "paused",
                tiers -> !tiers.isEmpty() && !tiers.contains("running") && tiers.contains("paused"));
        wake(curl, events, "paused");
        awaitTiers(
                events,
                revision,
                "snapshotted",
                tiers -> !tiers.isEmpty() && tiers.stream().allMatch("snapshotted"::equals));
        wake(curl, events, "snapshot");
    }

    private void awaitTiers(
            DemoEvents events, int revision, String tier, java.util.function.Predicate<List<String>> done)
            throws InterruptedException {
        long t0 = System.nanoTime();
        if (!events.await(revision, done, TIER_WAIT)) {
            throw new IllegalStateException("instances did not reach " + tier + " within " + TIER_WAIT.toSeconds()
                    + " s (" + events.summary(revision) + ")");
        }
        say(line((System.nanoTime() - t0) / 1e6, "no instance running: " + events.summary(revision)));
    }

    private void wake(DemoCurl curl, DemoEvents events, String from) throws InterruptedException {
        int mark = events.mark();
        events.quiet();
        DemoCurl.Answer a = curl.get();
        DemoEvents.Change wake = events.firstWakeAfter(mark, Duration.ofSeconds(5));
        String node = wake == null
                ? ""
                : "  (node: " + wake.from() + " -> running via " + wake.via()
                        + (wake.took() == null ? "" : " in " + wake.took() + " ms") + ")";
        say(line(a.millis(), "wake from " + from + ": curl -> " + (a.ok() ? "200" : shown(a)) + node));
        if (!a.ok()) {
            throw new IllegalStateException(
                    "the request that should wake an instance from " + from + " failed: " + shown(a));
        }
        events.print(out());
    }

    private static String shown(DemoCurl.Answer a) {
        String body = a.body().strip();
        return a.ok()
                ? body
                : "HTTP " + a.status()
                        + (body.isEmpty() ? "" : ": " + body.lines().findFirst().orElse(""));
    }

    interface Step<T> {
        T run() throws Exception;
    }

    private <T> T timed(String what, Step<T> step) throws Exception {
        long t0 = System.nanoTime();
        T result = step.run();
        say(line((System.nanoTime() - t0) / 1e6, what));
        return result;
    }

    private static String line(double millis, String what) {
        return String.format(Locale.ROOT, "%9.1f ms  %s", millis, what);
    }

    private void say(String line) {
        out().println(line);
        out().flush();
    }
}
