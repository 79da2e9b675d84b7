package dev.wisp.node;

import dev.wisp.autoscaler.StandbyTier;
import dev.wisp.runtime.Instance;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link ServiceController} shows of its service to the node's status and console
 * calls: the status of the service and its instances, and the tail of an instance's console.
 * Reads the books without taking the controller's monitor.
 */
record StatusViews(ServiceSpec spec, Replicas replicas, TemplateWarmer templates, StartOutcomes starts) {
    /** What the service looks like now, with {@code desired} the autoscaler's last count. */
    ServiceStatus status(int desired) {
        List<ServiceStatus.InstanceStatus> list = replicas.all().stream()
                .sorted(Comparator.comparing(r -> r.id))
                .map(r -> new ServiceStatus.InstanceStatus(
                        r.id,
                        NodeMetrics.name(r.tier),
                        r.instance != null
                                ? NodeMetrics.name(r.instance.state())
                                : r.tier == StandbyTier.SNAPSHOTTED ? "snapshotted" : "creating",
                        r.endpoint == null ? -1 : r.endpoint.port(),
                        r.busy,
                        r.startedAt))
                .toList();
        return new ServiceStatus(spec.name(), desired, templates.template() != null, list, starts.failure());
    }

    /** The tail of an instance's console, at most {@code maxChars}; empty if no such instance. */
    Optional<String> console(String instanceId, int maxChars) {
        Replica r = replicas.get(instanceId);
        if (r == null) {
            return Optional.empty();
        }
        Instance i = r.instance;
        String text = i == null ? "" : String.join("\n", i.consoleTail());
        return Optional.of(text.length() <= maxChars ? text : text.substring(text.length() - maxChars));
    }
}
