package dev.wisp.node;

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
 *
 * @param holds per key, its hold
 */
record HeldTemplates(SharedTemplates shared, Capacity capacity, Map<String, HeldTemplates.Hold> holds) {
    private static final System.Logger LOG = System.getLogger(HeldTemplates.class.getName());

    /** One key's hold; {@code acquired} once its template counts this hold among its users. */
    static final class Hold {
        final String digest;
        boolean acquired;
        boolean released;

        Hold(String digest) {
            this.digest = digest;
        }
    }

    HeldTemplates(SharedTemplates shared, Capacity capacity) {
        this(shared, capacity, new ConcurrentHashMap<>());
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
        try {
            // Its own capacity id: the key's deploy may warm (share) the same template meanwhile.
            shared.warm(h.digest, spec.vm(), spec.name(), capacity, "standby-" + spec.name());
            boolean keep;
            synchronized (h) {
                h.acquired = !h.released;
                keep = h.acquired;
            }
            if (!keep) {
                shared.release(h.digest, false); // let go while it was built
            }
        } catch (RuntimeException e) {
            // The hold stays (unacquired): not tried again until it is let go and asked for anew.
            LOG.log(System.Logger.Level.WARNING, spec.name() + ": no standby template: " + e.getMessage());
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
