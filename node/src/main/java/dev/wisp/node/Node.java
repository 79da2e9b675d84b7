package dev.wisp.node;

import dev.wisp.autoscaler.StandbyTier;
import dev.wisp.router.RouterServer;
import dev.wisp.router.ServiceBackend;
import dev.wisp.router.ServiceDirectory;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.net.Egress;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One host serving services: owns the router and a controller per service, and drives them all
 * from one control thread. The runtime is lent to it (the caller starts and closes it).
 *
 * <p><b>Capacity.</b> Guest memory is the hard limit ({@link CapacityConfig}): a deploy whose
 * initial or minimum instances cannot fit fails with a {@link CapacityException}; a wake or
 * scale-out that cannot fit is not started (its requests wait in the router and time out with
 * 503) and is counted in {@code wisp_capacity_refusals_total}. vCPUs are counted, not limited.
 *
 * <p><b>Restarts.</b> A node started on the state directory of an earlier one finds the standby
 * snapshots and warm templates it left ({@link NodeConfig#leaveStandby()}) and adopts them when a
 * service with the same key and VM is deployed: its first request restores a snapshot instead of
 * cloning or booting. What no deployed service claims is deleted after
 * {@link NodeConfig#adoptionGrace()} or at {@link #pruneUnknown()}. Running and paused instances
 * of a node that was killed cannot be adopted: they died with their QEMU processes (a new
 * runtime kills any that survived); only what was on disk as a snapshot comes back.
 */
public final class Node implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Node.class.getName());
    /** The console tail {@link #console} returns at most (characters). */
    public static final int CONSOLE_LIMIT = 64 * 1024;

    private final NodeConfig config;
    private final VmRuntime runtime;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RouterServer router;
    private final NodeMetrics metrics = new NodeMetrics(registry);
    private final Capacity capacity;
    private final Leftovers leftovers;
    private final Map<String, ServiceController> services = new ConcurrentHashMap<>();
    private final SharedTemplates sharedTemplates;
    private final HeldTemplates heldTemplates;
    private final VolumeSlots volumeSlots = new VolumeSlots(services::values);
    private final VmmProcessMetrics vmmMetrics;
    private final CopyOnWriteArrayList<Consumer<InstanceChange>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wisp-node-control");
        t.setDaemon(true);
        return t;
    });
    private final InstantSource clock = InstantSource.system();
    /** Services this node does not run but its router may forward (cluster mode); null: none. */
    private volatile ServiceDirectory elsewhere;

    private final LogBook logs = new LogBook(LogBook.Limits.DEFAULT, Node::logKeyOf);

    private Node(NodeConfig config, VmRuntime runtime) {
        this.config = config;
        this.runtime = runtime;
        this.capacity = new Capacity(config.capacity());
        this.leftovers = Leftovers.scan(config.stateDirectory());
        this.sharedTemplates = new SharedTemplates(runtime, config.stateDirectory());
        this.heldTemplates = new HeldTemplates(sharedTemplates, capacity);
        this.vmmMetrics = new VmmProcessMetrics(runtime, registry, Node::serviceOf);
        metrics.capacity(capacity);
        this.router = RouterServer.builder()
                .config(config.router())
                .resolver(config.resolver())
                .gate(config.gate())
                .directory(this::backendOf)
                .meterRegistry(registry)
                .build();
        runtime.onConsoleLine(logs::append);
        // Each instance gets its service's egress policy when its VMM starts (enforced on TAP).
        runtime.egress(id -> {
            ServiceController c = services.get(serviceOf(id));
            return c == null ? Egress.NONE : c.spec().egress();
        });
        runtime.onEvent(e -> {
            ServiceController c = services.get(serviceOf(e.instanceId()));
            if (c != null) {
                c.onInstanceEvent(e);
            }
        });
    }

    /** Starts the router and the control loop; returns the node. */
    public static Node start(NodeConfig config, VmRuntime runtime) {
        Node node = new Node(config, runtime);
        node.router.start();
        long every = config.controlInterval().toMillis();
        node.control.scheduleWithFixedDelay(node::tick, every, every, TimeUnit.MILLISECONDS);
        node.control.schedule(node::pruneUnknown, config.adoptionGrace().toMillis(), TimeUnit.MILLISECONDS);
        return node;
    }

    private void tick() {
        for (ServiceController c : services.values()) {
            try {
                c.tick();
            } catch (RuntimeException e) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "control tick of " + c.spec().name() + " failed: " + e);
            }
        }
    }

    /** The router's directory: a service is routable from its deploy until its removal starts closing it. */
    private ServiceBackend backendOf(String service) {
        ServiceController c = services.get(service);
        if (c != null) {
            return c.endpoints();
        }
        ServiceDirectory other = elsewhere;
        return other == null ? null : other.lookup(service);
    }

    /**
     * Lets the router serve services this node does not run: a name with no local service is
     * looked up in {@code other} (in cluster mode: the routers of the nodes that run it). A local
     * service always wins.
     */
    public void forwardUnknown(ServiceDirectory other) {
        this.elsewhere = other;
    }

    /** Whether a service of that name is deployed here (cheap: for the router's gate). */
    public boolean serves(String name) {
        return services.containsKey(name);
    }

    /**
     * The service whose log a VM's lines join: a warm template's VM ({@code tpl-<service>}) is the
     * service's too, since what its app printed before the snapshot is every clone's past.
     */
    private static String logKeyOf(String instanceId) {
        return instanceId.startsWith("tpl-") ? instanceId.substring(4) : serviceOf(instanceId);
    }

    /** Instance ids are {@code <service>-<n>}; service names hold no such suffix. */
    private static String serviceOf(String instanceId) {
        int dash = instanceId.lastIndexOf('-');
        return dash < 0 ? instanceId : instanceId.substring(0, dash);
    }

    /**
     * Starts serving a service: requests the resolver maps to its name reach it from now on (they
     * wait while its first instance comes up). Snapshots an earlier node left for the same name
     * and VM are adopted.
     *
     * @throws CapacityException if its initial or minimum instances (or a warm template, or even
     *     one instance) cannot fit in the node's memory now
     * @throws IllegalArgumentException if a service of that name exists
     */
    public void deploy(ServiceSpec spec) {
        if (services.containsKey(spec.name())) {
            throw new IllegalArgumentException("service " + spec.name() + " already exists");
        }
        int atStart = Math.max(
                Math.max(spec.scaling().initialScale(), spec.scaling().minInstances()), spec.warmTemplate() ? 1 : 0);
        capacity.checkDeploy(spec.name(), spec.vm(), atStart);
        String digest = StandbyManifest.digest(spec.vm());
        ServiceScope scope = new ServiceScope(
                spec, digest, runtime, capacity, metrics, this::publish, clock, config.stateDirectory(), volumeSlots);
        ServiceController c =
                new ServiceController(scope, router, leftovers.claim(spec.name(), digest), sharedTemplates);
        if (services.putIfAbsent(spec.name(), c) != null) {
            throw new IllegalArgumentException("service " + spec.name() + " already exists");
        }
        c.start();
    }

    /**
     * Holds the warm template of a service this node does not run (a cluster's standby replica),
     * built in the background, so that a later {@link #deploy} of it clones instead of booting cold.
     * Nothing is routed to it. A service without a warm template holds nothing.
     */
    public void holdTemplate(ServiceSpec spec) {
        heldTemplates.hold(spec);
    }

    /**
     * Lets go of the held templates of services not named in {@code keep} (a deployed service
     * keeps its own until it is removed).
     */
    public void keepTemplates(Set<String> keep) {
        heldTemplates.keepOnly(keep, services::containsKey);
    }

    /** Whether a template is held (being built, built, or failed) for this service. */
    public boolean holdsTemplate(String name) {
        return heldTemplates.holds(name);
    }

    /** The services whose held template is built ({@link #holdTemplate}). */
    public Set<String> heldTemplates() {
        return heldTemplates.ready();
    }

    /**
     * Removes a service: its endpoints leave the router, requests in flight may finish (up to
     * {@link ServiceController#DRAIN_TIMEOUT}), requests still queued get 503 when their queue
     * timeout ends, then every instance stops and its snapshots and template are deleted.
     */
    public boolean remove(String name) {
        ServiceController c = services.get(name);
        if (c == null) {
            return false;
        }
        c.quiesce(ServiceController.DRAIN_TIMEOUT);
        services.remove(name, c);
        c.close(false);
        return true;
    }

    /**
     * Deletes the snapshots and templates an earlier node left whose service has not been deployed
     * here; a control plane calls it after its first reconcile pass (otherwise it runs after
     * {@link NodeConfig#adoptionGrace()}). Returns how many directories were deleted.
     */
    public int pruneUnknown() {
        int n = leftovers.prune();
        if (n > 0) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "deleted {0} snapshot(s) left by an earlier node for services not deployed",
                    n);
        }
        return n;
    }

    public Optional<ServiceStatus> status(String name) {
        return Optional.ofNullable(services.get(name)).map(ServiceController::status);
    }

    /**
     * Where the service's latest wake spent its time (the node's, the runtime's and the router's
     * marks); empty for an unknown service or one never woken.
     */
    public Optional<WakeTrace> lastWake(String name) {
        return Optional.ofNullable(services.get(name)).map(ServiceController::lastWake);
    }

    public Collection<ServiceStatus> services() {
        return services.values().stream().map(ServiceController::status).toList();
    }

    /** The tail of an instance's VM console (at most {@value #CONSOLE_LIMIT} characters); empty if unknown. */
    public Optional<String> console(String instanceId) {
        ServiceController c = services.get(serviceOf(instanceId));
        return c == null ? Optional.empty() : c.console(instanceId, CONSOLE_LIMIT);
    }

    /**
     * The retained console lines of a service's instances, live and gone, oldest first: each
     * instance keeps its newest 256 KiB, a service the logs of its 10 latest instances, the node
     * 64 MiB in all (in memory: they outlive instances and standby steps, not the node).
     */
    public List<LogLine> logs(String name) {
        return logs.lines(name);
    }

    /**
     * Calls {@code listener} with the service's retained console lines after {@code afterSeq} (a
     * {@link LogLine#seq()}; 0 for all), then with each new one as it arrives, until the returned
     * action runs: no line is missed or repeated in between. It runs on the instance's console
     * reader under the log book's lock: keep it quick, never block.
     */
    public Runnable followLogs(String name, long afterSeq, Consumer<LogLine> listener) {
        return logs.follow(name, afterSeq, listener);
    }

    /**
     * Subscribes to instance changes (wakes, standby steps, adoptions, losses). Listeners run on
     * the thread that made the change: keep them quick and do not block.
     */
    public void onInstanceChange(Consumer<InstanceChange> listener) {
        listeners.add(listener);
    }

    private void publish(InstanceChange change) {
        for (Consumer<InstanceChange> l : listeners) {
            try {
                l.accept(change);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "instance change listener failed: " + e);
            }
        }
    }

    /** The node's size, what its instances hold, and how many sit in each tier. */
    public NodeCapacity capacity() {
        int running = 0;
        int paused = 0;
        int snapshotted = 0;
        for (ServiceController c : services.values()) {
            running += c.count(StandbyTier.RUNNING);
            paused += c.count(StandbyTier.PAUSED);
            snapshotted += c.count(StandbyTier.SNAPSHOTTED);
        }
        return capacity.snapshot(running, paused, snapshotted);
    }

    /** The router's port. */
    public int routerPort() {
        return router.port();
    }

    /** Prometheus text: router, node and JVM-free series. */
    public String scrape() {
        vmmMetrics.refresh();
        return registry.scrape();
    }

    /** The router, for load snapshots. */
    public RouterServer router() {
        return router;
    }

    /**
     * Drains the router, then stops every service. With {@link NodeConfig#leaveStandby()} their
     * instances are snapshotted and left on disk with their templates for the next node;
     * otherwise everything is deleted.
     */
    @Override
    public void close() {
        control.shutdownNow();
        router.close();
        metrics.closing();
        List.copyOf(services.values()).parallelStream().forEach(c -> {
            services.remove(c.spec().name(), c);
            c.close(config.leaveStandby());
        });
        heldTemplates.releaseAll(config.leaveStandby());
    }
}
