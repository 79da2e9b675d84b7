package dev.wisp.node;

import dev.wisp.runtime.Volume;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The volumes a service's instances attach, one set per instance as Fly attaches them: instance
 * slot {@code i} gets {@code slots.get(i)} (say volume {@code data} for the first, {@code data-1}
 * for the second), so a service runs at most {@code slots.size()} instances. A volume is one live
 * instance's at a time: the revision traffic is moving to (a new deploy, or the one a rollback
 * returns to) takes a volume over from an instance of another revision with the same {@code
 * owner} (which is retired); any other revision never takes one.
 *
 * @param owner   what the revisions belong to, such as {@code tenant/service}
 * @param current asked at each start: whether this revision is the one traffic is moving to
 * @param slots   per instance, the volumes it attaches
 */
public record ServiceVolumes(String owner, BooleanSupplier current, List<List<Volume>> slots) {
    /** No volumes. */
    public static final ServiceVolumes NONE = new ServiceVolumes("", () -> false, List.of());

    public ServiceVolumes {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(current, "current");
        slots = slots.stream().map(List::copyOf).toList();
    }

    public boolean isEmpty() {
        return slots.isEmpty();
    }
}
