package dev.wisp.cli;

import dev.wisp.sdk.Scaling;
import dev.wisp.sdk.Service;
import dev.wisp.sdk.ServicePatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code wisp scale NAME --min --max --target ...}: changes scaling and standby settings; no new revision. */
@Command(
        name = "scale",
        description = "Change a service's scaling: instances, target and hard concurrency, response timeout, standby.")
final class ScaleCommand extends TenantApiCommand {
    @Mixin
    ServiceName service;

    @Mixin
    ScalingOptions scaling;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        if (!scaling.any()) {
            throw new IllegalArgumentException(
                    "give at least one of --min, --max, --target, --concurrency, --timeout, --standby");
        }
        scaling.check();
        Service s = api.client()
                .updateService(service.name, new ServicePatch(scaling.scaling(), scaling.standbyPolicy(), null));
        if (json.on) {
            out().println(Json.pretty(s));
        } else {
            Scaling sc = s.scaling();
            out().printf(
                            "%s: min %s, max %s, target %s, concurrency %s, timeout %s, standby %s%n",
                            s.name(),
                            sc == null ? "-" : sc.min(),
                            sc == null ? "-" : sc.max(),
                            sc == null ? "-" : sc.target(),
                            sc == null || sc.concurrency() == null ? "-" : sc.concurrency(),
                            sc == null || sc.timeout() == null ? "-" : sc.timeout(),
                            s.standby() == null ? "-" : s.standby().policy());
        }
        return 0;
    }
}
