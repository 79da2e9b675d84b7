package dev.wisp.control;

import dev.wisp.autoscaler.AutoscalerConfig;
import dev.wisp.autoscaler.StandbyMode;
import dev.wisp.autoscaler.StandbyPolicy;
import dev.wisp.image.Image;
import dev.wisp.image.ImageStore;
import dev.wisp.node.ServiceSpec;
import dev.wisp.router.ServiceLimits;
import dev.wisp.runtime.BootSource;
import dev.wisp.runtime.VmSpec;
import dev.wisp.runtime.net.Egress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a service and one of its revisions into what the node runs. Also the validator of the
 * API's scaling and standby settings: the node's own config records check every rule.
 */
record NodeSpecs(Path kernel, ImageStore images, EnvCipher cipher, Volumes volumes) {
    private static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(15);

    ServiceSpec spec(String key, ServiceRecord s, RevisionRecord r) {
        Image image = images.get(r.image())
                .orElseThrow(() -> new IllegalStateException(
                        "image " + r.image() + " of revision " + r.number() + " is missing from the image store"));
        // The one place env values are decrypted: into the spec the node runs, never into an answer or a log.
        VmSpec vm = VmSpec.of(
                        new BootSource(
                                kernel,
                                image.initrd(),
                                image.disk(),
                                List.of(),
                                guestEnv(r.openEnv(cipher)),
                                image.layerDisks()),
                        r.port())
                .withResources(r.resources().vcpus(), r.resources().memoryMiB())
                // Its VMMs' cgroups go under the tenant's, which carries the tenant's quota (TenantLimits).
                .withTenant(s.tenant());
        return ServiceSpec.of(key, vm)
                .withScaling(autoscaler(s.scaling()))
                .withStandby(standby(s.standby()))
                .withLimits(limits(s.scaling()))
                .withEgress(Egress.parse(r.egressOrNone()))
                // One set of volumes per instance; the node attaches a free one at each cold boot.
                .withVolumes(volumes.slots(s.tenant(), s.name(), r.number(), r.volumesOrNone()));
    }

    /**
     * Environment variables go to the VM as its own field, never on the kernel command line (which
     * any local user reads in {@code ps}): the guest agent asks for them on the console.
     */
    static Map<String, String> guestEnv(Map<String, String> env) {
        return env == null ? Map.of() : new TreeMap<>(env);
    }

    /** @throws IllegalArgumentException naming the setting that breaks a rule */
    static AutoscalerConfig autoscaler(Scaling s) {
        return AutoscalerConfig.builder()
                .minInstances(s.min())
                .maxInstances(s.max())
                .initialScale(s.initial())
                .target(s.target())
                .targetUtilizationPercentage(s.utilization() * 100)
                .stableWindow(Durations.parse("scaling.stableWindow", s.stableWindow()))
                .panicWindowPercentage(s.panicWindowPercent())
                .panicThresholdPercentage(s.panicThreshold() * 100)
                .maxScaleUpRate(s.maxScaleUpRate())
                .maxScaleDownRate(s.maxScaleDownRate())
                .scaleToZeroGrace(Durations.parse("scaling.scaleToZeroGrace", s.scaleToZeroGrace()))
                .build();
    }

    /**
     * The router's limits for each instance: {@code concurrency} as the hard limit (0: none) and
     * {@code timeout} as the response timeout, 100 ms to 15 minutes.
     *
     * @throws IllegalArgumentException naming the setting that breaks a rule
     */
    static ServiceLimits limits(Scaling s) {
        Duration timeout = Durations.parse("scaling.timeout", s.timeout());
        if (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("timeout must be 100ms-15m, was " + s.timeout());
        }
        ServiceLimits l = ServiceLimits.DEFAULTS.withResponseTimeout(timeout);
        return s.concurrency() == 0 ? l : l.withHardLimit(s.concurrency());
    }

    /** @throws IllegalArgumentException naming the setting that breaks a rule */
    static StandbyPolicy standby(Standby s) {
        StandbyMode mode = switch (s.policy() == null ? "" : s.policy()) {
            case "always-on" -> StandbyMode.ALWAYS_ON;
            case "pause" -> StandbyMode.PAUSE;
            case "snapshot" -> StandbyMode.SNAPSHOT;
            default ->
                throw new IllegalArgumentException(
                        "standby.policy must be always-on, pause or snapshot, was '" + Names.shorten(s.policy()) + "'");
        };
        return new StandbyPolicy(
                mode,
                Durations.parse("standby.pauseAfter", s.pauseAfter()),
                Durations.parse("standby.snapshotAfter", s.snapshotAfter()),
                Durations.parse("standby.retireAfter", s.retireAfter()));
    }
}
