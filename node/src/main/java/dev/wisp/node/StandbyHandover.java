package dev.wisp.node;

import dev.wisp.runtime.Instance;
import dev.wisp.runtime.InstanceState;
import dev.wisp.runtime.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;

/**
 * One service's standby state on disk across node restarts: a manifest beside every standby
 * snapshot, the snapshots an earlier node left adopted at start, and instances left on disk at a
 * {@code leaveStandby} close for the next node.
 */
final class StandbyHandover {
    private static final System.Logger LOG = System.getLogger(StandbyHandover.class.getName());

    private final ServiceScope scope;

    StandbyHandover(ServiceScope scope) {
        this.scope = scope;
    }

    /**
     * Takes the standby snapshots an earlier node left as snapshotted replicas: the first request
     * restores one instead of cloning or booting. Broken ones (or another accelerator's) are deleted.
     */
    void adopt(Leftovers.Claim claim, Replicas replicas) {
        Instant now = scope.clock().instant();
        for (Leftovers.Entry e : claim.standby()) {
            StandbyManifest m = e.manifest().orElseThrow();
            try {
                Snapshot s = scope.runtime().loadSnapshot(e.directory());
                if (s.accelerator() != scope.runtime().accelerator()
                        || s.kind() != Snapshot.Kind.STANDBY
                        || !e.directory().equals(scope.standbyDirectory().resolve(m.instanceId()))) {
                    throw new IllegalStateException("taken under " + s.accelerator() + " as " + s.kind());
                }
                Replica r = Replica.adopted(m.instanceId(), s, m.startedAt(), now);
                replicas.add(r);
                scope.changed(r.id, "none", "snapshotted", "adopt", Duration.ZERO);
            } catch (RuntimeException ex) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        scope.name() + ": cannot adopt " + e.directory() + ": " + ex.getMessage());
                scope.runtime().deleteSnapshot(e.directory());
            }
        }
    }

    /** Leaves a manifest beside a standby snapshot so that the next node on this directory can adopt it. */
    void writeManifest(Replica r) {
        try {
            new StandbyManifest(
                            scope.name(),
                            scope.specDigest(),
                            r.id,
                            scope.clock().instant(),
                            r.startedAt)
                    .write(scope.standbyDirectory().resolve(r.id));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, scope.name() + ": " + e.getMessage());
        }
    }

    /** Puts one instance on disk for the next node; what cannot be saved is stopped. */
    void leave(Replica r) {
        Instance i = r.instance;
        if (i == null) {
            return; // adopted and never woken: still on disk as the earlier node left it
        }
        Path dir = scope.standbyDirectory().resolve(r.id);
        if (i.state() == InstanceState.READY || i.state() == InstanceState.PAUSED) {
            try {
                i.snapshot(dir);
                writeManifest(r);
            } catch (RuntimeException e) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        scope.name() + ": cannot leave " + r.id + " on standby: " + e.getMessage());
            }
        }
        if (i.state() != InstanceState.SNAPSHOTTED) {
            i.stop();
            return;
        }
        // Stopping a snapshotted instance deletes its snapshot, and the runtime stops every
        // instance it still knows when it closes: the files step aside while this one stops.
        Path aside = scope.standbyDirectory().resolve(r.id + ".kept");
        try {
            Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
            i.stop();
            Files.move(aside, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, scope.name() + ": cannot keep " + dir + ": " + e.getMessage());
        }
    }
}
