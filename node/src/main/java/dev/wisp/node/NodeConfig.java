package dev.wisp.node;

import dev.wisp.router.RouterConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a node runs.
 *
 * @param stateDirectory where warm templates and standby snapshots live
 * @param router         the front door's settings (port, limits, timeouts)
 * @param controlInterval how often each service is looked at: load sampled, standby steps
 *                        taken. Wakes do not wait for it: the router's demand signal starts them.
 */
public record NodeConfig(Path stateDirectory, RouterConfig router, Duration controlInterval) {
    /** Fine enough for a 1 s pause-after; the autoscaler itself ticks every 2 s. */
    public static final Duration DEFAULT_CONTROL_INTERVAL = Duration.ofMillis(100);

    public NodeConfig {
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        Objects.requireNonNull(router, "router");
        controlInterval = controlInterval == null ? DEFAULT_CONTROL_INTERVAL : controlInterval;
    }

    public static NodeConfig of(Path stateDirectory, RouterConfig router) {
        return new NodeConfig(stateDirectory, router, DEFAULT_CONTROL_INTERVAL);
    }
}
