package dev.wisp.node;

import dev.wisp.runtime.Template;
import dev.wisp.runtime.VmRuntime;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Warm templates this node keeps for service keys it does not run: a cluster's standby replicas.
 * Each is the same shared template a deploy of the key would warm ({@link SharedTemplates}), built
 * in the background (the template VM boots once, is snapshotted and stops), plus one VMM process
 * started ahead in the runtime's pool; so when the key is placed here after its node was lost,
 * its first instance is a clone, not a cold boot. A held template costs its memory file on disk
 * (shared with every key of the same VM here) and no guest memory once built.
 */
final class HeldTemplates {
    private static final System.Logger LOG = System.getLogger(HeldTemplates.class.getName());

    private final VmRuntime runtime;
    private final SharedTemplates shared;
    private final Capacity capacity;
    private final Map<String, Hold> holds = new ConcurrentHashMap<>();

    /** One key's hold; {@code acquired} once its template counts this hold among its users. */
    private static final class Hold {
        final String digest;
        boolean acquired;
        boolean released;
        boolean failed;

        Hold(String digest) {
            this.digest = digest;
        }
    }

    HeldTemplates(VmRuntime runtime, SharedTemplates shared, Capacity capacity) {
        this.runtime = runtime;
        this.shared = shared;
        this.capacity = capacity;
    }

    /** Starts holding the warm template of {@code spec} (once per key; nothing for a service without one). */
    void hold(ServiceSpec spec) {
        if (!spec.warmTemplate()) {
            return;
        }
        Hold h = new Hold(StandbyManifest.digest(spec.vm()));
        if (holds.putIfAbsent(spec.name(), h) == null) {
            Thread.ofVirtual().name("wisp-standby-" + spec.name()).start(() -> build(spec, h));
        }
    }

    private void build(ServiceSpec spec, Hold h) {
        // Its own capacity id: the key's deploy may warm (share) the same template meanwhile.
        String id = "standby-" + spec.name();
        try {
            if (!capacity.admit(id, spec.vm())) {
                throw new CapacityException("no memory free to boot the template");
            }
            long t0 = System.nanoTime();
            Template t = shared.acquire(h.digest, spec.vm(), spec.name());
            boolean keep;
            synchronized (h) {
                h.acquired = !h.released;
                keep = h.acquired;
            }
            if (!keep) {
                shared.release(h.digest, false); // let go while it was built
                return;
            }
            runtime.prewarm(t.snapshot());
            LOG.log(
                    System.Logger.Level.INFO,
                    "{0}: standby template held, ready in {1} ms",
                    spec.name(),
                    (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException e) {
            synchronized (h) {
                h.failed = true; // not tried again until the hold is let go and asked for anew
            }
            LOG.log(System.Logger.Level.WARNING, spec.name() + ": no standby template: " + e.getMessage());
        } finally {
            capacity.release(id);
        }
    }

    boolean holds(String key) {
        return holds.containsKey(key);
    }

    /** The keys whose template is built and held. */
    Set<String> ready() {
        Set<String> out = new TreeSet<>();
        holds.forEach((k, h) -> {
            synchronized (h) {
                if (h.acquired) {
                    out.add(k);
                }
            }
        });
        return out;
    }

    /**
     * Lets go of the holds of keys not in {@code keep}, except those {@code deployed} here: a
     * deploy of the key shares the held template, so the hold stays until the key is gone too
     * (and its files are not deleted between the hold's release and the deploy's acquire).
     */
    void keepOnly(Set<String> keep, Predicate<String> deployed) {
        for (Map.Entry<String, Hold> e : holds.entrySet()) {
            if (!keep.contains(e.getKey()) && !deployed.test(e.getKey()) && holds.remove(e.getKey(), e.getValue())) {
                let(e.getValue(), false);
            }
        }
    }

    /** Lets go of every hold; with {@code keepFiles} the templates stay on disk for the next node. */
    void releaseAll(boolean keepFiles) {
        holds.forEach((k, h) -> {
            if (holds.remove(k, h)) {
                let(h, keepFiles);
            }
        });
    }

    private void let(Hold h, boolean keepFiles) {
        boolean acquired;
        synchronized (h) {
            h.released = true;
            acquired = h.acquired;
            h.acquired = false;
        }
        if (acquired) {
            shared.release(h.digest, keepFiles);
        }
    }
}
