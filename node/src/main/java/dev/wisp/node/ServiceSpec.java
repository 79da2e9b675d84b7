package dev.wisp.node;

import dev.wisp.autoscaler.AutoscalerConfig;
import dev.wisp.autoscaler.StandbyPolicy;
import dev.wisp.router.ServiceLimits;
import dev.wisp.runtime.VmSpec;
import dev.wisp.runtime.net.Egress;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A service as a node runs it: what each instance is, how many to run, how they sleep, and what
 * the router admits.
 *
 * @param name         DNS-label name; requests for {@code NAME.localhost} reach it
 * @param vm           the microVM of every instance
 * @param scaling      autoscaler settings (Knative KPA defaults)
 * @param standby      how idle instances go to sleep (default: pause after 1 s, snapshot after 60 s)
 * @param limits       router admission limits per instance and queue
 * @param warmTemplate whether to boot once and clone every later instance from that snapshot
 * @param egress       where its guests may connect to (enforced on TAP networking; docs/networking.md)
 * @param volumes      persistent volumes, one set per instance; with any, no warm template (every
 *                     clone would share the template's disks) and at most one instance per set
 */
public record ServiceSpec(
        String name,
        VmSpec vm,
        AutoscalerConfig scaling,
        StandbyPolicy standby,
        ServiceLimits limits,
        boolean warmTemplate,
        Egress egress,
        ServiceVolumes volumes) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,28}[a-z0-9])?");

    public ServiceSpec {
        Objects.requireNonNull(vm, "vm");
        Objects.requireNonNull(scaling, "scaling");
        Objects.requireNonNull(standby, "standby");
        Objects.requireNonNull(limits, "limits");
        egress = egress == null ? Egress.NONE : egress;
        volumes = volumes == null ? ServiceVolumes.NONE : volumes;
        if (!volumes.isEmpty()) {
            warmTemplate = false;
            int n = volumes.slots().size();
            if (scaling.maxInstances() == 0 || scaling.maxInstances() > n) {
                scaling = scaling.toBuilder()
                        .maxInstances(n)
                        .minInstances(Math.min(scaling.minInstances(), n))
                        .initialScale(Math.min(scaling.initialScale(), n))
                        .build();
            }
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "invalid service name '" + name + "': 1-30 of a-z, 0-9 and '-', not starting or ending with '-'");
        }
    }

    /** A service with every default: KPA scaling, pause/snapshot standby, router defaults, warm template. */
    public static ServiceSpec of(String name, VmSpec vm) {
        return new ServiceSpec(
                name,
                vm,
                AutoscalerConfig.defaults(),
                StandbyPolicy.defaults(),
                ServiceLimits.DEFAULTS,
                true,
                Egress.NONE,
                ServiceVolumes.NONE);
    }

    public ServiceSpec withScaling(AutoscalerConfig s) {
        return new ServiceSpec(name, vm, s, standby, limits, warmTemplate, egress, volumes);
    }

    public ServiceSpec withStandby(StandbyPolicy s) {
        return new ServiceSpec(name, vm, scaling, s, limits, warmTemplate, egress, volumes);
    }

    public ServiceSpec withLimits(ServiceLimits l) {
        return new ServiceSpec(name, vm, scaling, standby, l, warmTemplate, egress, volumes);
    }

    public ServiceSpec withWarmTemplate(boolean on) {
        return new ServiceSpec(name, vm, scaling, standby, limits, on, egress, volumes);
    }

    public ServiceSpec withVolumes(ServiceVolumes v) {
        return new ServiceSpec(name, vm, scaling, standby, limits, warmTemplate, egress, v);
    }

    public ServiceSpec withEgress(Egress e) {
        return new ServiceSpec(name, vm, scaling, standby, limits, warmTemplate, e, volumes);
    }
}
