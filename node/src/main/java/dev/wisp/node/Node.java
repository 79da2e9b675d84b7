package dev.wisp.node;

import dev.wisp.router.RouterServer;
import dev.wisp.router.Routes;
import dev.wisp.router.ServiceTable;
import dev.wisp.runtime.VmRuntime;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One host serving services: owns the router and a controller per service, and drives them all
 * from one control thread. The runtime is lent to it (the caller starts and closes it).
 */
public final class Node implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Node.class.getName());

    private final NodeConfig config;
    private final VmRuntime runtime;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ServiceTable table = new ServiceTable();
    private final RouterServer router;
    private final NodeMetrics metrics = new NodeMetrics(registry);
    private final Map<String, ServiceController> services = new ConcurrentHashMap<>();
    private final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wisp-node-control");
        t.setDaemon(true);
        return t;
    });
    private final InstantSource clock = InstantSource.system();

    private Node(NodeConfig config, VmRuntime runtime) {
        this.config = config;
        this.runtime = runtime;
        this.router = RouterServer.builder().config(config.router()).resolver(Routes.localhost()).directory(table)
                .meterRegistry(registry).build();
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
        return node;
    }

    private void tick() {
        for (ServiceController c : services.values()) {
            try {
                c.tick();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "control tick of " + c.spec().name() + " failed: " + e);
            }
        }
    }

    /** Instance ids are {@code <service>-<n>}; service names hold no such suffix. */
    private static String serviceOf(String instanceId) {
        int dash = instanceId.lastIndexOf('-');
        return dash < 0 ? instanceId : instanceId.substring(0, dash);
    }

    /**
     * Starts serving a service: requests for {@code NAME.localhost} reach it from now on (they
     * wait while its first instance comes up).
     */
    public void deploy(ServiceSpec spec) {
        ServiceController c = new ServiceController(spec, runtime, table, router, metrics, clock, config.stateDirectory());
        if (services.putIfAbsent(spec.name(), c) != null) {
            throw new IllegalArgumentException("service " + spec.name() + " already exists");
        }
        c.start();
    }

    /** Stops a service and everything it has: instances, snapshots, template. */
    public boolean remove(String name) {
        ServiceController c = services.remove(name);
        if (c == null) {
            return false;
        }
        c.close();
        return true;
    }

    public Optional<ServiceStatus> status(String name) {
        return Optional.ofNullable(services.get(name)).map(ServiceController::status);
    }

    public Collection<ServiceStatus> services() {
        return services.values().stream().map(ServiceController::status).toList();
    }

    /** The router's port. */
    public int routerPort() {
        return router.port();
    }

    /** Prometheus text: router, node and JVM-free series. */
    public String scrape() {
        return registry.scrape();
    }

    /** The router, for load snapshots. */
    public RouterServer router() {
        return router;
    }

    /** Drains the router, then stops every service. */
    @Override
    public void close() {
        control.shutdownNow();
        router.close();
        List.copyOf(services.keySet()).parallelStream().forEach(this::remove);
    }
}
