package dev.wisp.node;

import dev.wisp.runtime.VmRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.function.Consumer;

/**
 * What every part of one service's controller shares: the service, the node's runtime, memory
 * admission, meters, the change feed and the clock, and where the service keeps its files.
 *
 * @param specDigest {@link StandbyManifest#digest} of the service's VM: which snapshots and templates fit it
 * @param stateDirectory the node's state folder, holding each service's standby snapshots and template
 * @param volumeSlots the node's book of which instance holds which volume
 */
record ServiceScope(
        ServiceSpec spec,
        String specDigest,
        VmRuntime runtime,
        Capacity capacity,
        NodeMetrics metrics,
        Consumer<InstanceChange> changes,
        InstantSource clock,
        Path stateDirectory,
        VolumeSlots volumeSlots) {

    /** The service's standby snapshots, one folder per instance. */
    Path standbyDirectory() {
        return stateDirectory.resolve("standby").resolve(spec.name());
    }

    /** The service's own warm template (when not shared). */
    Path templateDirectory() {
        return stateDirectory.resolve("templates").resolve(spec.name());
    }

    String name() {
        return spec.name();
    }

    /** Publishes one instance's move between tiers. */
    void changed(String instanceId, String from, String to, String via, Duration took) {
        changes.accept(new InstanceChange(spec.name(), instanceId, from, to, via, took));
    }
}
