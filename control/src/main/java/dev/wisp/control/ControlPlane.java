package dev.wisp.control;

import dev.wisp.cluster.LeaderElection;
import dev.wisp.cluster.Membership;
import dev.wisp.common.Closing;
import dev.wisp.common.FileTrees;
import dev.wisp.functions.Functions;
import dev.wisp.image.ImageStore;
import dev.wisp.image.Kernel;
import dev.wisp.image.KernelMemory;
import dev.wisp.node.InstanceChange;
import dev.wisp.node.Node;
import dev.wisp.node.NodeConfig;
import dev.wisp.router.RouterConfig;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.store.MeteredStateStore;
import dev.wisp.store.StateStore;
import dev.wisp.store.StateStores;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The whole platform on one host in one process: an embedded state store, the microVM runtime, a
 * node (router + autoscaled services), the reconciler that makes the node run what the store
 * says, the functions facade (functions run as node services of their own) and the REST API (docs/api.md). {@link #start} on a data directory that was used before
 * resumes: every service is deployed again and standby snapshots are adopted.
 *
 * <pre>
 *   API (Netty) ──writes──> StateStore ──watch──> Reconciler ──deploy/remove──> Node ──> microVMs
 *                                                     └─ routes (host → revision) ──> Router
 * </pre>
 */
public final class ControlPlane implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ControlPlane.class.getName());
    /** Instance changes waiting to become events; more are dropped (and counted in the log). */
    private static final int EVENT_QUEUE = 10_000;
    /** What the platform keeps in its data directory, each made 0700 before anything is written to it. */
    private static final List<String> DATA_SUBDIRECTORIES =
            List.of("state", "images", "node", "uploads", "cache", "functions", "volumes");

    private final ControlConfig config;
    /** Null on a single host (the embedded store). */
    private final ClusterSetup cluster;
    /** The control plane's own series (API, reconciler, store); {@code /metrics} adds the node's. */
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private final ControlMetrics metrics = new ControlMetrics(meters);
    private StateStore store;
    private SignInLinks signIn;
    private VmRuntime runtime;
    private Node node;
    private Reconciler reconciler;
    /** The reconciler here, or in cluster mode the loops that run one while this node leads. */
    private Reconciling reconciling;

    private Membership membership;
    /** Null on a single host. */
    private ClusterNode clusterNode;

    private LeaderElection election;
    private String startedAt;
    private ApiServer api;
    private ExecutorService eventWriter;
    private ApiRoutes routes;
    private Functions functions;
    private boolean closed;

    private ControlPlane(ControlConfig config, ClusterSetup cluster) {
        this.config = config;
        this.cluster = cluster;
    }

    /**
     * Starts everything and returns once the API answers and every stored service has been
     * handed to the node (instances may still be starting).
     *
     * @throws dev.wisp.store.StoreLockedException if another process runs on this data directory
     */
    public static ControlPlane start(ControlConfig config) {
        return start(config, null);
    }

    /**
     * As {@link #start(ControlConfig)}, as one node of a cluster when {@code cluster} is given: state
     * in the cluster's store (handed over: closed with this), a membership record, and the
     * reconciler and functions' resumption run only while this node leads (docs/cluster.md).
     */
    public static ControlPlane start(ControlConfig config, ClusterSetup cluster) {
        return Closing.onFailure(new ControlPlane(config, cluster), ControlPlane::boot);
    }

    private void boot() {
        Path data = config.dataDirectory();
        Path uploads = data.resolve("uploads");
        try {
            DataDirectory.createDirectories(data);
            FileTrees.deleteQuietly(uploads); // half-received uploads of an earlier run
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + data, e);
        }
        DataDirectory.secure(data, DATA_SUBDIRECTORIES);
        InstantSource clock = InstantSource.system();
        Path stateDir = data.resolve("state");
        StateStore raw = cluster == null ? StateStores.embedded(stateDir) : cluster.store();
        EnvCipher cipher;
        try {
            Registry plain = new Registry(raw, clock);
            cipher = EnvSealing.cipher(data, plain);
            int sealed = EnvSealing.sealPlainRecords(plain, cipher);
            if (sealed > 0 && cluster == null) {
                raw.close();
                EnvSealing.dropOldLog(stateDir);
                raw = StateStores.embedded(stateDir);
                LOG.log(System.Logger.Level.INFO, "sealed the env of {0} revision(s) stored in plain text", sealed);
            }
        } catch (RuntimeException e) {
            raw.close();
            throw e;
        }
        store = new MeteredStateStore(raw, meters);
        Registry registry = new Registry(store, clock);
        registry.ensureDefaultTenant();
        // In a cluster, each node without a token file of its own adds an admin token and writes it there.
        if (!registry.hasAdminToken() || (cluster != null && !Files.exists(adminTokenFile()))) {
            String token = Tokens.newToken();
            AdminTokenFile.write(adminTokenFile(), token);
            registry.addToken(Registry.DEFAULT_TENANT, token, true);
            LOG.log(System.Logger.Level.INFO, "admin token written to {0}", adminTokenFile());
        }
        ImageStore images = new ImageStore(data);
        ImageHousekeeping.sweepStaging(images.root());
        ImageHousekeeping.retireLegacyImages(registry, images);

        runtime = VmRuntime.start(config.runtime(), config.kernel());
        TenantRouting routing = new TenantRouting();
        clusterNode = cluster == null ? null : new ClusterNode(cluster, routing);
        NodeConfig nc = NodeConfig.of(
                        data.resolve("node"),
                        RouterConfig.builder()
                                .port(config.routerPort())
                                .bindHost(cluster == null ? "127.0.0.1" : cluster.advertise())
                                .build())
                .withResolver(routing)
                .withGate(clusterNode == null ? routing : clusterNode.gate())
                .withLeaveStandby(!config.stopOnClose());
        if (config.capacity() != null) {
            nc = nc.withCapacity(config.capacity());
        }
        node = Node.start(nc, runtime);
        EventLog events = new EventLog(store, clock, 1000);
        eventWriter = new ThreadPoolExecutor(
                1,
                1,
                0,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(EVENT_QUEUE),
                r -> Thread.ofPlatform().daemon().name("wisp-events").unstarted(r),
                new ThreadPoolExecutor.DiscardPolicy());
        node.onInstanceChange(change -> eventWriter.execute(() -> instanceEvent(routing, events, change)));

        Volumes volumes = new Volumes(registry, data.resolve("volumes"));
        NodeSpecs specs = new NodeSpecs(config.kernel(), images, cipher, volumes);
        // In a cluster the leader places node services on the nodes and stores the routing table.
        java.util.function.Function<Registry, Reconciler> reconcilers = reg -> new Reconciler(
                reg,
                new TenantLimits(runtime),
                cluster == null
                        ? new NodeDeployments(node, specs, clock)
                        : new PlacedDeployments(reg.store(), node, clock),
                routing,
                events,
                clock,
                config.reconcileInterval(),
                metrics,
                cluster == null ? Reconciler.RoutesSink.NONE : new StoredRoutes(reg.store()));
        FunctionsRoutes[] resumable = new FunctionsRoutes[1];
        if (cluster == null) {
            reconciler = reconcilers.apply(registry);
            reconciler.start();
            reconciling = reconciler;
            node.pruneUnknown();
        } else {
            // Standby state a previous life left is kept: this node may lead again and adopt it.
            reconciling = new LeaderLoops(store, clock, reconcilers, () -> resumable[0].resumeAll());
        }

        ApiRoutes routes = new ApiRoutes();
        new MetaApi(this::scrape, store).register(routes);
        Secrets secrets = new Secrets(registry, cipher);
        secrets.register(routes);
        volumes.register(routes);
        signIn = new SignInLinks(adminTokenFile(), this::apiUrl, InstantSource.system());
        signIn.register(routes);
        new ServicesApi(
                        registry,
                        events,
                        node,
                        specs,
                        cipher,
                        secrets,
                        volumes,
                        reconciling,
                        new ServiceViews(registry, node, node.routerPort()),
                        KernelMemory.floorMib(config.kernel()))
                .register(routes);
        new LogsApi(registry, node).register(routes);
        ImagesApi imagesApi = new ImagesApi(
                registry,
                images,
                () -> functions.list().stream()
                        .map(dev.wisp.functions.FunctionInfo::image)
                        .collect(java.util.stream.Collectors.toSet()));
        imagesApi.register(routes);
        new ImagePulls(
                        imagesApi,
                        images,
                        Kernel.ofVmlinux(config.kernel()),
                        config.runtime().home(),
                        config.callbackPolicy())
                .register(routes);
        new TenantsApi(registry).register(routes);
        new NodesApi(node, cluster).register(routes);
        functions = Functions.start(
                node, store, Kernel.ofVmlinux(config.kernel()), images, data.resolve("cache"), config.callbackPolicy());
        FunctionsRoutes functionRoutes =
                new FunctionsRoutes(registry, functions, routing, events, data.resolve("functions"));
        functionRoutes.register(routes);
        Api dispatcher = new Api(
                routes, new Auth(registry), new RateLimiter(config.ratePerSecond(), config.rateBurst()), metrics);
        api = new ApiServer(
                dispatcher,
                events,
                config.apiHost(),
                config.apiPort(),
                config.maxBodyBytes(),
                config.maxImageBytes(),
                uploads);
        this.routes = routes;
        if (cluster == null) {
            functionRoutes.resumeAll();
        } else {
            resumable[0] = functionRoutes;
            startedAt = clock.instant().toString();
            membership = Membership.join(
                    store,
                    () -> NodesApi.record(cluster, node, runtime, api.port(), startedAt),
                    cluster.leaseTtl(),
                    clock);
            election = LeaderElection.start(store, cluster.nodeName(), cluster.leaseTtl(), (LeaderLoops) reconciling);
            clusterNode.start(node, specs, store, adminTokenFile(), this::leads, membership::cutOff);
        }
    }

    /** In cluster mode, whether this node leads now (runs the reconciler); on a single host always. */
    public boolean leads() {
        return cluster == null || (election != null && election.isLeader());
    }

    private static void instanceEvent(TenantRouting routing, EventLog events, InstanceChange c) {
        TenantRouting.Target owner = routing.owner(c.service());
        if (owner == null) {
            return;
        }
        boolean wake = "running".equals(c.to()) && !"none".equals(c.from());
        String detail = c.from() + " -> " + c.to() + " via " + c.via()
                + (c.took().isZero() ? "" : " in " + c.took().toMillis() + " ms");
        events.append(
                owner.tenant(), wake ? "instance.wake" : "instance.state", owner.service(), c.instanceId(), detail);
    }

    /** The API's base URL, e.g. {@code http://127.0.0.1:7070}. */
    /** How guests are networked here: {@code tap (...)} or {@code user (reason)}. */
    public String networking() {
        return runtime.networking();
    }

    /** A one-time dashboard link that signs its first opener in as the admin (10 minutes). */
    public String signInLink() {
        return signIn.create().url();
    }

    public String apiUrl() {
        return "http://" + (config.apiHost().contains(":") ? "[" + config.apiHost() + "]" : config.apiHost()) + ":"
                + api.port();
    }

    /** The router's base URL (in a cluster it listens on the advertised address); services at NAME.localhost. */
    public String routerUrl() {
        String host = cluster == null ? "localhost" : cluster.advertise();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + node.routerPort();
    }

    public int apiPort() {
        return api.port();
    }

    public int routerPort() {
        return node.routerPort();
    }

    /** The file holding the admin token (mode 0600). */
    public Path adminTokenFile() {
        return config.dataDirectory().resolve("admin-token");
    }

    /** The node this control plane drives (for status and metrics). */
    public Node node() {
        return node;
    }

    /** The state store (tests read stored records through it). */
    StateStore store() {
        return store;
    }

    /** Every method + path template the API serves. */
    List<ApiRoutes.Route> routes() {
        return routes.all();
    }

    /** Waits (bounded) for a reconcile pass that starts after this call. */
    void reconcileNow() {
        reconciling.reconcileNow(Duration.ofSeconds(30));
    }

    /**
     * Stops the API, the reconciler and the node (leaving instances on standby snapshots unless
     * {@link ControlConfig#stopOnClose()}), the runtime and the store. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // A leader steps down first (election): its reconciler stops, another node takes over.
        Closing.quietly(
                LOG,
                api,
                election,
                membership,
                functions,
                reconciler,
                reconciling instanceof LeaderLoops loops ? loops : null,
                clusterNode,
                node);
        if (eventWriter != null) {
            eventWriter.shutdown();
            try {
                eventWriter.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Closing.quietly(LOG, runtime, store != null ? store : cluster == null ? null : cluster.store());
    }

    /** The node's series (router, VMMs, wakes) then the control plane's own (API, reconciler, store). */
    private String scrape() {
        String nodeText = node.scrape();
        return (nodeText.isEmpty() || nodeText.endsWith("\n") ? nodeText : nodeText + "\n") + meters.scrape();
    }
}
