package dev.wisp.functions;

import dev.wisp.autoscaler.AutoscalerConfig;
import dev.wisp.image.Image;
import dev.wisp.image.ImageStore;
import dev.wisp.image.Kernel;
import dev.wisp.node.Node;
import dev.wisp.node.ServiceSpec;
import dev.wisp.node.ServiceStatus;
import dev.wisp.router.ServiceLimits;
import dev.wisp.runtime.BootSource;
import dev.wisp.runtime.VmSpec;
import dev.wisp.store.StateStore;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serverless functions on a {@link Node}: deploys a handler as a service of microVMs (warm
 * template, clones, scale to zero), and invokes it synchronously through the router or
 * asynchronously with durable invocations, retries with exponential back-off, a dead-letter list
 * and result callbacks; a reserved-concurrency limit per function answers 429 past it, and every
 * call lands in the function's invocation log. A function scales out to
 * {@link FunctionSpec#maxInstances()} instances of {@link FunctionSpec#instanceConcurrency()} calls each.
 *
 * <p>The control plane serves it as {@code /v1/functions/...} (docs/api.md; its {@code FunctionsRoutes}).
 * Node and store are lent: the caller closes them after this.
 *
 * <p>Limits: request bodies of async invocations {@value #MAX_ASYNC_BODY} bytes (they are stored),
 * results stored up to {@value #MAX_STORED_RESULT} bytes, synchronous bodies 1 MiB (the guest's).
 */
public final class Functions implements AutoCloseable {
    public static final int MAX_ASYNC_BODY = 256 * 1024;
    public static final int MAX_STORED_RESULT = 256 * 1024;
    public static final int MAX_SYNC_BODY = 1 << 20;
    /** Workers running async attempts at once, over all functions (each still bound by its limit). */
    public static final int ASYNC_WORKERS = 32;

    private record Deployed(FunctionSpec spec, Image image, ConcurrencyLimit limit, InvocationLog log) {}

    private final Node node;
    private final FunctionBuilds builds;
    private final InvocationStore invocations;
    private final RouterClient router;
    private final AsyncInvoker async;
    private final AddressPolicy callbackPolicy;
    private final Clock clock = Clock.systemUTC();
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Deployed> functions = new ConcurrentHashMap<>();
    /** Function being deployed -> an instance of it that failed to start, so deploy fails at once. */
    private final Map<String, String> failedStarts = new ConcurrentHashMap<>();

    private Functions(Node node, StateStore store, FunctionBuilds builds, AddressPolicy callbackPolicy) {
        this.node = node;
        this.builds = builds;
        this.callbackPolicy = callbackPolicy;
        this.invocations = new InvocationStore(store);
        this.router = new RouterClient("127.0.0.1", node.routerPort());
        this.async = new AsyncInvoker(
                invocations,
                router,
                name -> {
                    Deployed d = functions.get(name);
                    return d == null ? null : new AsyncInvoker.Target(d.spec(), d.limit(), d.log());
                },
                new Callbacks(callbackPolicy));
        async.start(ASYNC_WORKERS);
        node.onInstanceChange(c -> {
            if ("none".equals(c.from()) && "gone".equals(c.to())) {
                failedStarts.put(c.service(), c.instanceId());
            }
        });
    }

    /**
     * @param node      serves the functions' microVMs behind its router
     * @param store     keeps async invocations (durable)
     * @param kernel    the guest kernel images are built for
     * @param images    where function images go
     * @param cacheRoot where the jlink'd JRE is cached (e.g. {@code $WISP_HOME/cache})
     * @param callbackPolicy the addresses callback URLs may reach (e.g. {@link AddressPolicy#publicOnly()})
     */
    public static Functions start(
            Node node,
            StateStore store,
            Kernel kernel,
            ImageStore images,
            Path cacheRoot,
            AddressPolicy callbackPolicy) {
        return new Functions(
                node, store, new FunctionBuilds(kernel, images, cacheRoot), Objects.requireNonNull(callbackPolicy));
    }

    /**
     * The least guest memory a function of this runtime may ask for: what the kernel its guests boot
     * needs, and for Java what a JVM needs on that kernel ({@code KernelMemory}).
     */
    public int memoryFloorMib(FunctionRuntime runtime) {
        return builds.memoryFloorMib(runtime);
    }

    /**
     * Builds the function's image, deploys it and returns once an instance answers (for Java: once
     * the warm JVM is snapshotted and a clone of it runs). Invocations it left unfinished (a
     * restart) are picked up again.
     *
     * @throws FunctionException {@code bad_request} for less memory than the kernel (for Java, a JVM) needs
     *     ({@code KernelMemory}),
     *     {@code conflict} if it exists, {@code unavailable} if it never got ready
     */
    public FunctionInfo deploy(FunctionSpec spec) {
        if (functions.containsKey(spec.name())) {
            throw new FunctionException(FunctionException.Code.CONFLICT, "function " + spec.name() + " already exists");
        }
        builds.checkMemory(spec.runtime(), spec.memoryMib());
        Image image = builds.build(spec);
        boolean java = spec.runtime() == FunctionRuntime.JAVA;
        // A JVM's cold boot under TCG takes seconds: give the first boot and waiting requests room.
        Duration ready = java ? Duration.ofSeconds(180) : VmSpec.DEFAULT_READY_TIMEOUT;
        VmSpec vm = new VmSpec(
                new BootSource(builds.kernel().vmlinux(), image.initrd(), image.disk(), List.of()),
                spec.vcpus(),
                spec.memoryMib(),
                FunctionImages.PORT,
                ready,
                spec.tenant());
        // Scales like Lambda/Knative: each instance carries instanceConcurrency calls (the autoscaler's target and the
        // router's per-instance limit, so a saturated instance wakes another at once), up to the instances the reserved
        // concurrency needs; idle ones pause and snapshot under the standby policy, down to none running.
        ServiceSpec service = ServiceSpec.of(spec.name(), vm)
                .withScaling(AutoscalerConfig.builder()
                        .target(spec.instanceConcurrency())
                        .maxInstances(spec.maxInstances())
                        .minInstances(0)
                        .initialScale(1)
                        .build())
                .withStandby(spec.standby())
                .withLimits(ServiceLimits.DEFAULTS
                        .withHardLimit(spec.instanceConcurrency())
                        .withQueueTimeout(java ? Duration.ofSeconds(120) : Duration.ofSeconds(30)));
        Deployed d = new Deployed(spec, image, new ConcurrencyLimit(spec.reservedConcurrency()), new InvocationLog());
        if (functions.putIfAbsent(spec.name(), d) != null) {
            throw new FunctionException(FunctionException.Code.CONFLICT, "function " + spec.name() + " already exists");
        }
        failedStarts.remove(spec.name());
        try {
            node.deploy(service);
            awaitRunning(spec.name(), ready.multipliedBy(2).plusSeconds(30));
        } catch (RuntimeException e) {
            functions.remove(spec.name());
            node.remove(spec.name());
            throw e instanceof FunctionException
                    ? e
                    : new FunctionException(
                            FunctionException.Code.UNAVAILABLE,
                            "function " + spec.name() + " did not start: " + e.getMessage());
        }
        for (Invocation inv : invocations.all(spec.name())) {
            if (!inv.state().isFinal()) {
                async.enqueue(spec.name(), inv.id(), 0);
            }
        }
        return info(spec.name(), d);
    }

    private void awaitRunning(String name, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String failed = failedStarts.get(name);
            if (failed != null) {
                String tail = node.console(failed).orElse("").strip();
                List<String> lines = tail.lines().toList();
                throw new FunctionException(
                        FunctionException.Code.UNAVAILABLE,
                        "function " + name + " failed to start; its console ends:\n"
                                + String.join("\n", lines.subList(Math.max(0, lines.size() - 8), lines.size())));
            }
            ServiceStatus s = node.status(name).orElseThrow();
            if (s.instances().stream().anyMatch(i -> "running".equals(i.tier()) && i.port() > 0)) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FunctionException(FunctionException.Code.UNAVAILABLE, "interrupted while deploying " + name);
            }
        }
        throw new FunctionException(
                FunctionException.Code.UNAVAILABLE,
                "function " + name + " not running after " + timeout.toSeconds() + " s");
    }

    /** Stops the function's instances and drops its template; its invocation records stay. */
    public boolean remove(String name) {
        return functions.remove(name) != null && node.remove(name);
    }

    public List<FunctionInfo> list() {
        return functions.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> info(e.getKey(), e.getValue()))
                .toList();
    }

    public FunctionInfo get(String name) {
        return info(name, require(name));
    }

    private FunctionInfo info(String name, Deployed d) {
        return new FunctionInfo(
                name,
                d.spec().runtime().id(),
                d.image().id(),
                d.limit().limit(),
                d.spec().instanceConcurrency(),
                d.spec().maxInstances(),
                d.limit().inFlight(),
                "http://" + name + ".localhost:" + node.routerPort() + "/");
    }

    /**
     * Calls the function through the router and returns its answer.
     *
     * @throws FunctionException {@code rate_limited} past its reserved concurrency, {@code not_found},
     *     {@code payload_too_large}, {@code unavailable} if no answer came
     */
    public FunctionResponse invoke(String name, FunctionCall call) {
        Deployed d = require(name);
        if (call.body().length > MAX_SYNC_BODY) {
            throw new FunctionException(
                    FunctionException.Code.PAYLOAD_TOO_LARGE, "request body over " + MAX_SYNC_BODY + " bytes");
        }
        String id = newId();
        long t0 = clock.millis();
        if (!d.limit().tryAcquire()) {
            d.log().add(new LogEntry(id, "sync", 0, 429, "rejected", 0, t0));
            throw new FunctionException(
                    FunctionException.Code.RATE_LIMITED,
                    "function " + name + " is at its reserved concurrency ("
                            + d.limit().limit() + ")");
        }
        try {
            FunctionResponse r = router.call(name, call, d.spec().timeout());
            d.log()
                    .add(new LogEntry(
                            id,
                            "sync",
                            1,
                            r.status(),
                            r.status() < 500 ? "ok" : "error",
                            clock.millis() - t0,
                            clock.millis()));
            return r;
        } catch (IOException e) {
            d.log().add(new LogEntry(id, "sync", 1, 0, "error", clock.millis() - t0, clock.millis()));
            throw new FunctionException(
                    FunctionException.Code.UNAVAILABLE, "function " + name + " did not answer: " + e.getMessage());
        } finally {
            d.limit().release();
        }
    }

    /**
     * Accepts an invocation to run in the background; it is durable once this returns.
     *
     * @param callbackUrl where to POST the result JSON when it is final, or null; its host must
     *                    resolve only to addresses the callback policy allows
     * @return the queued invocation (its id is what the caller polls)
     * @throws FunctionException {@code bad_request} for a callback URL that is malformed or refused
     */
    public Invocation invokeAsync(String name, FunctionCall call, String callbackUrl) {
        require(name);
        if (call.body().length > MAX_ASYNC_BODY) {
            throw new FunctionException(
                    FunctionException.Code.PAYLOAD_TOO_LARGE, "async request body over " + MAX_ASYNC_BODY + " bytes");
        }
        String callback = Callbacks.validate(callbackUrl, callbackPolicy);
        long now = clock.millis();
        Invocation inv = new Invocation(
                newId(),
                name,
                Invocation.State.QUEUED,
                0,
                0,
                null,
                null,
                call.method(),
                call.path(),
                call.headers(),
                Base64.getEncoder().encodeToString(call.body()),
                callback,
                null,
                now,
                now,
                0);
        invocations.put(inv);
        async.enqueue(name, inv.id(), 0);
        return inv;
    }

    /** @throws FunctionException {@code not_found} for an unknown id */
    public Invocation invocation(String name, String id) {
        return invocations
                .get(name, id)
                .orElseThrow(() -> new FunctionException(
                        FunctionException.Code.NOT_FOUND, "no invocation " + id + " of function " + name));
    }

    /** Invocations whose every attempt failed, oldest first. */
    public List<Invocation> deadLetters(String name) {
        return invocations.deadLetters(name);
    }

    /** The function's latest calls, sync and async, newest last. */
    public List<LogEntry> log(String name) {
        return require(name).log().entries();
    }

    private Deployed require(String name) {
        Deployed d = functions.get(name);
        if (d == null) {
            throw new FunctionException(FunctionException.Code.NOT_FOUND, "no function " + name);
        }
        return d;
    }

    private String newId() {
        byte[] b = new byte[10];
        random.nextBytes(b);
        return "inv_" + HexFormat.of().formatHex(b);
    }

    /** Stops the async workers; queued invocations stay in the store for the next start. */
    @Override
    public void close() {
        async.close();
    }
}
