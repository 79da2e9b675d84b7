package dev.wisp.node;

import dev.wisp.runtime.Volume;
import java.util.List;
import java.util.Objects;

/**
 * The volumes a service's instances attach, one set per instance as Fly attaches them: instance
 * slot {@code i} gets {@code slots.get(i)} (say volume {@code data} for the first, {@code data-1}
 * for the second), so a service runs at most {@code slots.size()} instances. A volume is one live
 * instance's at a time: a revision of higher {@code rank} with the same {@code owner} takes a
 * volume from an instance of a lower one (which is retired), never the other way round.
 *
 * @param owner what the revisions belong to, such as {@code tenant/service}
 * @param rank  the revision's number: a newer revision takes the volumes over
 * @param slots per instance, the volumes it attaches
 */
public record ServiceVolumes(String owner, int rank, List<List<Volume>> slots) {
    /** No volumes. */
    public static final ServiceVolumes NONE = new ServiceVolumes("", 0, List.of());

    public ServiceVolumes {
        Objects.requireNonNull(owner, "owner");
        slots = slots.stream().map(List::copyOf).toList();
    }

    public boolean isEmpty() {
        return slots.isEmpty();
    }
}
