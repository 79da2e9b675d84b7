package dev.wisp.cli;

import dev.wisp.sdk.Scaling;
import dev.wisp.sdk.Service;
import dev.wisp.sdk.ServicePatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wisp scale NAME --min --max --target}: changes scaling limits; no new revision. */
@Command(name = "scale", description = "Change a service's scaling: minimum and maximum instances, target concurrency.")
final class ScaleCommand extends TenantApiCommand {
    @Parameters(paramLabel = "NAME", description = "Service name.")
    String name;

    @Option(names = "--min", paramLabel = "N", description = "Minimum instances (0 allows scale to zero).")
    Integer min;

    @Option(names = "--max", paramLabel = "N", description = "Maximum instances.")
    Integer max;

    @Option(names = "--target", paramLabel = "N", description = "Target concurrent requests per instance.")
    Double target;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        if (min == null && max == null && target == null) {
            throw new IllegalArgumentException("give at least one of --min, --max, --target");
        }
        if ((min != null && min < 0) || (max != null && max < 0) || (target != null && target <= 0)) {
            throw new IllegalArgumentException("--min and --max must be >= 0 and --target > 0");
        }
        if (min != null && max != null && max > 0 && min > max) {
            throw new IllegalArgumentException("--min " + min + " is above --max " + max);
        }
        Service s = api.client().updateService(name, new ServicePatch(Scaling.limits(min, max, target), null, null));
        if (json.on) {
            out().println(Json.pretty(s));
        } else {
            Scaling sc = s.scaling();
            out().printf(
                            "%s: min %s, max %s, target %s%n",
                            s.name(),
                            sc == null ? "-" : sc.min(),
                            sc == null ? "-" : sc.max(),
                            sc == null ? "-" : sc.target());
        }
        return 0;
    }
}
