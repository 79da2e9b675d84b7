package dev.wisp.node;

import dev.wisp.runtime.VmException;
import dev.wisp.runtime.Volume;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Hands each new instance of a service with volumes a set no other live instance on the node
 * holds (running, paused or asleep in a standby snapshot: that guest has the disk mounted).
 * The revision traffic is moving to takes a set over from another revision of the same service:
 * that instance is retired first (volumes are mounted synchronously, so no write it acknowledged
 * is lost). Any other revision waits (its start fails and backs off), so two revisions never
 * pass a volume back and forth.
 */
final class VolumeSlots {
    private final Supplier<Collection<ServiceController>> controllers;
    /** Files handed out whose instance is still booting (the runtime does not list it yet). */
    private final Set<Path> booting = new HashSet<>();

    VolumeSlots(Supplier<Collection<ServiceController>> controllers) {
        this.controllers = controllers;
    }

    /**
     * The volumes for a new instance of {@code spec}, reserved until {@link #release}: the first
     * free set, else, for the revision traffic is moving to, the first one only other revisions
     * of the service hold (whose instances are retired here).
     *
     * @throws VmException naming the holder when every set is in use
     */
    synchronized List<Volume> reserve(ServiceSpec spec) {
        ServiceVolumes mine = spec.volumes();
        String refusal = null;
        List<Volume> takeOver = null;
        boolean current = mine.current().getAsBoolean();
        for (List<Volume> slot : mine.slots()) {
            List<Holder> holders = holders(slot);
            if (holders.isEmpty() && slot.stream().noneMatch(v -> booting.contains(key(v)))) {
                return reserved(slot);
            }
            boolean fromOtherRevisions = current
                    && !holders.isEmpty()
                    && slot.stream().noneMatch(v -> booting.contains(key(v)))
                    && holders.stream()
                            .allMatch(h -> !h.owner().spec().name().equals(spec.name())
                                    && h.owner().spec().volumes().owner().equals(mine.owner()));
            if (fromOtherRevisions && takeOver == null) {
                takeOver = slot;
            } else if (refusal == null) {
                refusal = holders.isEmpty()
                        ? "volume " + slot.get(0).name() + " is being attached"
                        : "volume " + holders.get(0).volume() + " is attached to instance "
                                + holders.get(0).replicaId();
            }
        }
        if (takeOver == null) {
            throw new VmException("no free volume for a new instance of " + spec.name() + " ("
                    + mine.slots().size() + " volume set(s), one per instance): " + refusal);
        }
        for (Holder h : holders(takeOver)) {
            if (!h.owner().evict(h.replicaId())) {
                throw new VmException(
                        "volume " + h.volume() + " is held by " + h.replicaId() + ", busy; retrying after back-off");
            }
        }
        return reserved(takeOver);
    }

    private ServiceController self(ServiceSpec spec) {
        return controllers.get().stream()
                .filter(c -> c.spec().name().equals(spec.name()))
                .findFirst()
                .orElse(null);
    }

    /** The instance these were reserved for has started (the runtime holds them now) or failed to. */
    synchronized void release(List<Volume> volumes) {
        volumes.forEach(v -> booting.remove(key(v)));
    }

    private List<Volume> reserved(List<Volume> slot) {
        slot.forEach(v -> booting.add(key(v)));
        return slot;
    }

    private List<Holder> holders(List<Volume> slot) {
        List<Holder> found = new ArrayList<>();
        for (ServiceController c : controllers.get()) {
            for (Volume v : slot) {
                String id = c.holderOf(key(v));
                if (id != null) {
                    found.add(new Holder(c, id, v.name()));
                }
            }
        }
        return found;
    }

    private static Path key(Volume v) {
        return v.file().toAbsolutePath().normalize();
    }

    private record Holder(ServiceController owner, String replicaId, String volume) {}
}
