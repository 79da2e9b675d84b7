package dev.wisp.control;

import dev.wisp.node.Node;
import dev.wisp.node.ServiceStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A service, its revisions and instances as the API shows them (docs/api.md): the stored records
 * joined with what the node reports; env values never, only their names.
 */
record ServiceViews(Registry registry, Node node, int routerPort) {
    Shapes.ServiceView service(ServiceRecord s) {
        RevisionRecord target =
                registry.revision(s.tenant(), s.name(), s.targetRevision()).orElse(null);
        String url = "http://" + s.name() + (Registry.DEFAULT_TENANT.equals(s.tenant()) ? "" : "." + s.tenant())
                + ".localhost:" + routerPort + "/";
        int running = 0;
        int paused = 0;
        int snapshotted = 0;
        List<String> nodeServices = new ArrayList<>();
        for (RevisionRecord r : registry.revisions(s.tenant(), s.name())) {
            String key = NodeKeys.key(s.tenant(), s.name(), r.number(), s.generation());
            Optional<ServiceStatus> st = node.status(key);
            if (st.isPresent()) {
                nodeServices.add(key);
                running += (int) st.get().count("running");
                paused += (int) st.get().count("paused");
                snapshotted += (int) st.get().count("snapshotted");
            }
        }
        var status = new Shapes.ServiceStatusView(
                s.servingRevision() != 0, new Shapes.TierCounts(running, paused, snapshotted));
        // Why the newest revision cannot start, while it cannot: what a user deploying it needs first.
        Shapes.StartFailureView failure = registry.revision(s.tenant(), s.name(), s.latestRevision())
                .filter(r -> r.failure() != null)
                .map(r -> failureView(r, true))
                .orElse(null);
        // Env values are write-only: the target revision's names only.
        return new Shapes.ServiceView(
                s.name(),
                s.tenant(),
                target == null ? null : target.image(),
                target == null ? null : List.copyOf(target.envNames()),
                target == null ? null : target.resources(),
                target == null ? null : target.port(),
                s.scaling(),
                s.standby(),
                s.access(),
                s.servingRevision(),
                s.latestRevision(),
                s.targetRevision(),
                url,
                nodeServices,
                status,
                failure);
    }

    /** A revision as the API shows it: its env by names only (values are write-only). */
    static Shapes.RevisionView revision(RevisionRecord r) {
        return new Shapes.RevisionView(
                r.service(),
                r.number(),
                r.image(),
                List.copyOf(r.envNames()),
                r.resources(),
                r.port(),
                r.egressOrNone(),
                r.volumesOrNone(),
                r.createdAt(),
                r.state(),
                r.message(),
                r.failure() == null ? null : failureView(r, false));
    }

    /** The revision's last failed start; on a service also which revision and its state. */
    private static Shapes.StartFailureView failureView(RevisionRecord r, boolean onService) {
        RevisionRecord.Failure f = r.failure();
        return new Shapes.StartFailureView(
                f.reason(),
                f.console() == null ? List.of() : List.copyOf(f.console()),
                f.at(),
                f.attempts(),
                f.retryAt(),
                onService ? r.number() : null,
                onService ? r.state() : null);
    }

    static Shapes.InstanceView instance(ServiceRecord s, int revision, ServiceStatus.InstanceStatus i) {
        return new Shapes.InstanceView(
                i.id(),
                s.name(),
                revision,
                i.tier(),
                i.state(),
                "local",
                i.startedAt() == null ? null : i.startedAt().toString(),
                i.busy());
    }
}
