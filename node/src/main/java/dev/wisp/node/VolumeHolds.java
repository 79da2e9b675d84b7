package dev.wisp.node;

import dev.wisp.autoscaler.StandbyTier;
import dev.wisp.runtime.Instance;
import dev.wisp.runtime.Snapshot;
import dev.wisp.runtime.VmSpec;
import java.nio.file.Path;

/**
 * Which of one service's replicas holds a volume, and retiring it when a newer revision takes the
 * volume over ({@link VolumeSlots}).
 *
 * @param lock the controller's monitor, which guards the replicas' bookkeeping
 */
record VolumeHolds(Replicas replicas, StandbySteps standby, Object lock) {

    /**
     * The replica whose guest has this volume file attached (running, paused, or asleep in a
     * standby snapshot, its own or one an earlier node left), or null.
     */
    String holderOf(Path file) {
        for (Replica r : replicas.all()) {
            Instance i = r.instance;
            if (i != null && !i.state().isTerminal() && attaches(i.spec(), file)) {
                return r.id;
            }
            Snapshot adopted = r.adopted;
            if (adopted != null && attaches(adopted.spec(), file)) {
                return r.id;
            }
        }
        return null;
    }

    /** Retires the replica; false if a VM operation on it is under way (the taker backs off and retries). */
    boolean evict(String replicaId) {
        Replica r;
        synchronized (lock) {
            r = replicas.get(replicaId);
            if (r == null) {
                return true;
            }
            if (r.busy) {
                return false;
            }
            r.busy = true;
        }
        standby.step(r, StandbyTier.GONE);
        return true;
    }

    private static boolean attaches(VmSpec vm, Path file) {
        return vm.boot().volumes().stream()
                .anyMatch(v -> v.file().toAbsolutePath().normalize().equals(file));
    }
}
