package dev.wisp.node;

import dev.wisp.router.RequestGate;
import dev.wisp.router.RouterConfig;
import dev.wisp.router.Routes;
import dev.wisp.router.ServiceResolver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a node runs.
 *
 * @param stateDirectory  where warm templates and standby snapshots live
 * @param router          the front door's settings (port, limits, timeouts)
 * @param controlInterval how often each service is looked at: load sampled, standby steps
 *                        taken. Wakes do not wait for it: the router's demand signal starts them.
 * @param resolver        how the router maps requests to service keys (default {@code NAME.localhost})
 * @param gate            who may reach which service (default: everyone)
 * @param capacity        how much memory the node admits (default: the host's, minus 1 GiB)
 * @param leaveStandby    whether {@link Node#close()} leaves instances on disk as standby
 *                        snapshots (and templates) for the next node on this state directory,
 *                        instead of deleting them
 * @param adoptionGrace   how long after start snapshots left by an earlier node wait for their
 *                        service to be deployed before they are deleted
 */
public record NodeConfig(
        Path stateDirectory,
        RouterConfig router,
        Duration controlInterval,
        ServiceResolver resolver,
        RequestGate gate,
        CapacityConfig capacity,
        boolean leaveStandby,
        Duration adoptionGrace) {
    /** Fine enough for a 1 s pause-after; the autoscaler itself ticks every 2 s. */
    public static final Duration DEFAULT_CONTROL_INTERVAL = Duration.ofMillis(100);
    /** Long enough for a control plane to re-deploy everything after a restart. */
    public static final Duration DEFAULT_ADOPTION_GRACE = Duration.ofMinutes(5);

    public NodeConfig {
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        Objects.requireNonNull(router, "router");
        controlInterval = controlInterval == null ? DEFAULT_CONTROL_INTERVAL : controlInterval;
        resolver = resolver == null ? Routes.localhost() : resolver;
        gate = gate == null ? RequestGate.ADMIT_ALL : gate;
        capacity = capacity == null ? CapacityConfig.defaults() : capacity;
        adoptionGrace = adoptionGrace == null ? DEFAULT_ADOPTION_GRACE : adoptionGrace;
    }

    public NodeConfig(Path stateDirectory, RouterConfig router, Duration controlInterval) {
        this(stateDirectory, router, controlInterval, null, null, null, false, null);
    }

    public static NodeConfig of(Path stateDirectory, RouterConfig router) {
        return new NodeConfig(stateDirectory, router, DEFAULT_CONTROL_INTERVAL);
    }

    public NodeConfig withResolver(ServiceResolver r) {
        return new NodeConfig(stateDirectory, router, controlInterval, r, gate, capacity, leaveStandby, adoptionGrace);
    }

    public NodeConfig withGate(RequestGate g) {
        return new NodeConfig(
                stateDirectory, router, controlInterval, resolver, g, capacity, leaveStandby, adoptionGrace);
    }

    public NodeConfig withCapacity(CapacityConfig c) {
        return new NodeConfig(stateDirectory, router, controlInterval, resolver, gate, c, leaveStandby, adoptionGrace);
    }

    public NodeConfig withLeaveStandby(boolean on) {
        return new NodeConfig(stateDirectory, router, controlInterval, resolver, gate, capacity, on, adoptionGrace);
    }

    public NodeConfig withAdoptionGrace(Duration d) {
        return new NodeConfig(stateDirectory, router, controlInterval, resolver, gate, capacity, leaveStandby, d);
    }
}
