package dev.wisp.cli;

import dev.wisp.sdk.Failure;
import dev.wisp.sdk.Instance;
import dev.wisp.sdk.Revision;
import dev.wisp.sdk.Scaling;
import dev.wisp.sdk.Service;
import dev.wisp.sdk.Standby;
import dev.wisp.sdk.TierCounts;
import dev.wisp.sdk.WispClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code wisp status NAME}: one service with its settings, revisions and instances. */
@Command(name = "status", description = "Show a service: settings, revisions, instances.")
final class StatusCommand extends TenantApiCommand {
    @Mixin
    ServiceName service;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        WispClient wisp = api.client();
        Service s = wisp.service(service.name);
        List<Revision> revisions = wisp.revisions(service.name);
        List<Instance> instances = wisp.instances(service.name);
        if (json.on) {
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("service", s);
            all.put("revisions", revisions);
            all.put("instances", instances);
            out().println(Json.pretty(all));
            return 0;
        }
        Table head = new Table("service", s.name() + (s.tenant() == null ? "" : " (tenant " + s.tenant() + ")"));
        head.row("url", s.url());
        head.row("image", s.image());
        // The API returns the variables' names only; their values are write-only.
        head.row(
                "env",
                s.envNames() == null || s.envNames().isEmpty()
                        ? "-"
                        : String.join(", ", s.envNames()) + " (values hidden)");
        head.row("revision", LsCommand.revisionText(s));
        if (s.status() != null) {
            head.row("ready", LsCommand.yesNo(s.status().ready()));
            TierCounts c = s.status().instances();
            if (c != null) {
                head.row(
                        "instances",
                        c.running() + " running, " + c.paused() + " paused, " + c.snapshotted() + " snapshotted");
            }
        }
        if (s.resources() != null) {
            head.row(
                    "resources",
                    s.resources().vcpus() + " vCPU, " + s.resources().memoryMiB() + " MiB, port " + s.port());
        }
        Scaling sc = s.scaling();
        if (sc != null) {
            head.row("scaling", "min " + sc.min() + ", max " + sc.max() + ", target " + sc.target());
        }
        Standby sb = s.standby();
        if (sb != null) {
            head.row(
                    "standby",
                    sb.policy() + ": pause after " + sb.pauseAfter() + ", snapshot after " + sb.snapshotAfter()
                            + ", retire after " + sb.retireAfter());
        }
        head.row("access", s.access());
        Failure f = s.failure();
        if (f != null) {
            head.row(
                    "failure",
                    "revision " + f.revision() + " (" + f.state() + "): " + f.reason() + " (" + f.attempts()
                            + " failed start" + (Integer.valueOf(1).equals(f.attempts()) ? "" : "s")
                            + " in a row, last at "
                            + f.at() + ("failed".equals(f.state()) ? ")" : "; next try at " + f.retryAt() + ")"));
        }
        head.print(out());
        out().println();
        if (f != null && f.console() != null && !f.console().isEmpty()) {
            out().println("last console lines of revision " + f.revision() + ":");
            f.console().forEach(l -> out().println("  | " + l));
            out().println();
        }
        Table revs = new Table("REVISION", "STATE", "IMAGE", "CREATED", "MESSAGE");
        for (Revision r : revisions) {
            revs.row(r.number(), r.state(), r.image(), r.createdAt(), r.message());
        }
        revs.print(out());
        out().println();
        if (instances.isEmpty()) {
            out().println("no instances");
        } else {
            Table inst = new Table("INSTANCE", "REVISION", "TIER", "STATE", "BUSY", "NODE", "STARTED");
            for (Instance i : instances) {
                inst.row(i.id(), i.revision(), i.tier(), i.state(), LsCommand.yesNo(i.busy()), i.node(), i.startedAt());
            }
            inst.print(out());
        }
        return 0;
    }
}
