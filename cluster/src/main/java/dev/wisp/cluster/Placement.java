package dev.wisp.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where each service's instances run: a pure function of the nodes' sizes, what each service
 * wants and where its instances are now, so the leader runs it on every pass and a benchmark runs
 * the same code on simulated nodes. No I/O, no clock.
 *
 * <p>Rules, in order: an instance already on a node that still takes work stays there (placement
 * is sticky: moving a running instance costs a wake); a new instance goes to a schedulable node
 * with room for its memory (a hard limit, as the node's own admission) and its vCPUs (counted
 * against the node's vCPUs times {@link #vcpuOvercommit}); among those, the node holding the
 * fewest instances of the same service first (spread), then one holding its warm template or
 * standby snapshot (a clone or restore beats a cold boot), then the one with the most free memory,
 * then by name. An instance that fits nowhere is refused with the numbers.
 *
 * <p><b>Standby replicas.</b> A key that wants one ({@link Want#standby}) and whose instances all
 * landed on one node gets a second node that holds its warm template and runs nothing: when the
 * first node is lost, the warm rule above sends the replacement there, and it is a clone instead of
 * a cold boot. The standby node is one with room for an instance of the key, not the key's own;
 * the one holding it now first (sticky), then one holding the template anyway, then the one with
 * the fewest standbys of this plan, then the most free memory, then by name. A standby takes no
 * room in the plan (it holds no guest memory while it waits), so there is at most one per key.
 */
public final class Placement {
    /** vCPUs a node hands out per host vCPU unless told otherwise: an idle guest costs no CPU. */
    public static final int DEFAULT_VCPU_OVERCOMMIT = 4;

    private final int vcpuOvercommit;

    /** @param vcpuOvercommit vCPUs placed per vCPU a node offers (1..64) */
    public Placement(int vcpuOvercommit) {
        if (vcpuOvercommit < 1 || vcpuOvercommit > 64) {
            throw new IllegalArgumentException("vCPU overcommit must be 1..64, was " + vcpuOvercommit);
        }
        this.vcpuOvercommit = vcpuOvercommit;
    }

    /** Placement with {@link #DEFAULT_VCPU_OVERCOMMIT}. */
    public Placement() {
        this(DEFAULT_VCPU_OVERCOMMIT);
    }

    /** vCPUs placed per vCPU a node offers. */
    public int vcpuOvercommit() {
        return vcpuOvercommit;
    }

    /**
     * One node as placement sees it.
     *
     * @param name the node's name
     * @param vcpus vCPUs it offers (before overcommit)
     * @param memoryMiB guest memory it admits in total
     * @param schedulable whether it takes new instances (ready: yes; draining or lost: no)
     */
    public record NodeRoom(String name, int vcpus, long memoryMiB, boolean schedulable) {
        public NodeRoom {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * What one service (one deployed revision) wants.
     *
     * @param key its name on the nodes
     * @param vcpus vCPUs of one instance
     * @param memoryMiB guest memory of one instance
     * @param instances how many instances it wants in the whole cluster (at least 1: a service at
     *     zero still needs a home whose router wakes it)
     * @param warmOn nodes holding its warm template or a standby snapshot
     * @param standby whether it wants a standby replica (a warm template on a second node) when
     *     its instances are all on one node: false for services that have no warm template
     */
    public record Want(String key, int vcpus, int memoryMiB, int instances, Set<String> warmOn, boolean standby) {
        /** A want without a standby replica. */
        public Want(String key, int vcpus, int memoryMiB, int instances, Set<String> warmOn) {
            this(key, vcpus, memoryMiB, instances, warmOn, false);
        }

        public Want {
            Objects.requireNonNull(key, "key");
            if (vcpus < 1 || memoryMiB < 1 || instances < 1) {
                throw new IllegalArgumentException(
                        key + ": an instance needs >= 1 vCPU and >= 1 MiB, and >= 1 instance is wanted");
            }
            warmOn = warmOn == null ? Set.of() : Set.copyOf(warmOn);
        }
    }

    /**
     * The outcome of one placement.
     *
     * @param assigned per service key, per node, how many instances (keys with none placed absent)
     * @param refused per service key that got fewer instances than it wants, why, with the numbers
     * @param standby per service key with a standby replica, the node holding it
     */
    public record Plan(
            Map<String, Map<String, Integer>> assigned, Map<String, String> refused, Map<String, String> standby) {
        /** The nodes a service key is placed on. */
        public Set<String> nodesOf(String key) {
            return assigned.getOrDefault(key, Map.of()).keySet();
        }
    }

    /**
     * Places every want.
     *
     * @param nodes the cluster's nodes
     * @param wants what each service wants, placed in this order (earlier ones win when room is short)
     * @param current per service key, per node, the instances placed there before (0: the node
     *     holds the key's standby replica)
     */
    public Plan place(List<NodeRoom> nodes, List<Want> wants, Map<String, Map<String, Integer>> current) {
        Map<String, Room> rooms = new LinkedHashMap<>();
        for (NodeRoom n : nodes) {
            rooms.put(n.name(), new Room(n, vcpuOvercommit));
        }
        Map<String, Map<String, Integer>> assigned = new TreeMap<>();
        Map<String, String> refused = new TreeMap<>();
        List<Want> fresh = new ArrayList<>();
        // Instances already placed on a node that still takes work keep their room first.
        for (Want w : wants) {
            Map<String, Integer> kept = new TreeMap<>();
            int left = w.instances();
            for (Map.Entry<String, Integer> e : new TreeMap<>(current.getOrDefault(w.key(), Map.of())).entrySet()) {
                Room r = rooms.get(e.getKey());
                int n = Math.min(left, e.getValue());
                if (r == null || !r.node.schedulable() || n <= 0) {
                    continue;
                }
                r.take(w, n);
                kept.put(e.getKey(), n);
                left -= n;
            }
            if (!kept.isEmpty()) {
                assigned.put(w.key(), kept);
            }
            if (left > 0) {
                fresh.add(w);
            }
        }
        for (Want w : fresh) {
            Map<String, Integer> mine = assigned.computeIfAbsent(w.key(), k -> new TreeMap<>());
            int left = w.instances()
                    - mine.values().stream().mapToInt(Integer::intValue).sum();
            while (left > 0) {
                Room best = null;
                for (Room r : rooms.values()) {
                    if (r.fits(w) && (best == null || better(r, best, w, mine))) {
                        best = r;
                    }
                }
                if (best == null) {
                    break;
                }
                best.take(w, 1);
                mine.merge(best.node.name(), 1, Integer::sum);
                left--;
            }
            if (left > 0) {
                refused.put(w.key(), shortOf(w, left, rooms.values()));
            }
            if (mine.isEmpty()) {
                assigned.remove(w.key());
            }
        }
        return new Plan(assigned, refused, standbys(rooms, wants, assigned, current));
    }

    private static Map<String, String> standbys(
            Map<String, Room> rooms,
            List<Want> wants,
            Map<String, Map<String, Integer>> assigned,
            Map<String, Map<String, Integer>> current) {
        Map<String, String> out = new TreeMap<>();
        Map<String, Integer> held = new java.util.HashMap<>();
        for (Want w : wants) {
            Map<String, Integer> on = assigned.getOrDefault(w.key(), Map.of());
            if (!w.standby() || on.size() != 1) {
                continue; // none wanted, none placed, or already on two nodes (one survives the other)
            }
            Set<String> was = new java.util.HashSet<>();
            current.getOrDefault(w.key(), Map.of()).forEach((n, count) -> {
                if (count == 0) {
                    was.add(n);
                }
            });
            Room best = null;
            for (Room r : rooms.values()) {
                if (r.fits(w)
                        && !on.containsKey(r.node.name())
                        && (best == null || betterStandby(r, best, w, was, held))) {
                    best = r;
                }
            }
            if (best != null) {
                out.put(w.key(), best.node.name());
                held.merge(best.node.name(), 1, Integer::sum);
            }
        }
        return out;
    }

    private static boolean betterStandby(Room a, Room b, Want w, Set<String> was, Map<String, Integer> held) {
        String na = a.node.name();
        String nb = b.node.name();
        if (was.contains(na) != was.contains(nb)) {
            return was.contains(na);
        }
        if (w.warmOn().contains(na) != w.warmOn().contains(nb)) {
            return w.warmOn().contains(na);
        }
        int ha = held.getOrDefault(na, 0);
        int hb = held.getOrDefault(nb, 0);
        if (ha != hb) {
            return ha < hb;
        }
        if (a.freeMemory() != b.freeMemory()) {
            return a.freeMemory() > b.freeMemory();
        }
        return na.compareTo(nb) < 0;
    }

    private static boolean better(Room a, Room b, Want w, Map<String, Integer> mine) {
        int ca = mine.getOrDefault(a.node.name(), 0);
        int cb = mine.getOrDefault(b.node.name(), 0);
        if (ca != cb) {
            return ca < cb;
        }
        boolean wa = w.warmOn().contains(a.node.name());
        boolean wb = w.warmOn().contains(b.node.name());
        if (wa != wb) {
            return wa;
        }
        if (a.freeMemory() != b.freeMemory()) {
            return a.freeMemory() > b.freeMemory();
        }
        return a.node.name().compareTo(b.node.name()) < 0;
    }

    private String shortOf(Want w, int left, Iterable<Room> rooms) {
        int schedulable = 0;
        long freeMem = 0;
        long freeCpu = 0;
        Room largest = null;
        for (Room r : rooms) {
            if (!r.node.schedulable()) {
                continue;
            }
            schedulable++;
            freeMem += Math.max(0, r.freeMemory());
            freeCpu += Math.max(0, r.freeVcpus());
            if (largest == null || r.freeMemory() > largest.freeMemory()) {
                largest = r;
            }
        }
        String each = w.vcpus() + " vCPU and " + w.memoryMiB() + " MiB";
        if (schedulable == 0) {
            return "cluster full: no node takes work (all draining or lost); " + left + " of " + w.instances()
                    + " instance(s) of " + each + " not placed";
        }
        return "cluster full: " + left + " of " + w.instances() + " instance(s) of " + each + " fit on no node; "
                + schedulable + " ready node(s) have " + freeCpu + " vCPU and " + freeMem + " MiB free in total,"
                + " the roomiest (" + largest.node.name() + ") " + largest.freeVcpus() + " vCPU and "
                + largest.freeMemory() + " MiB (vCPU overcommit " + vcpuOvercommit + ")";
    }

    /** A node's room left during one placement. */
    private static final class Room {
        final NodeRoom node;
        /** vCPUs it may hold: the node's, times the overcommit. */
        final long vcpus;

        long usedVcpus;
        long usedMemory;

        Room(NodeRoom node, int vcpuOvercommit) {
            this.node = node;
            this.vcpus = (long) node.vcpus() * vcpuOvercommit;
        }

        boolean fits(Want w) {
            return node.schedulable() && freeMemory() >= w.memoryMiB() && freeVcpus() >= w.vcpus();
        }

        void take(Want w, int n) {
            usedVcpus += (long) w.vcpus() * n;
            usedMemory += (long) w.memoryMiB() * n;
        }

        long freeMemory() {
            return node.memoryMiB() - usedMemory;
        }

        long freeVcpus() {
            return vcpus - usedVcpus;
        }
    }

    /** Orders wants so that bigger instances are placed first (fewer refusals from fragmentation). */
    public static Comparator<Want> biggestFirst() {
        return Comparator.comparingInt(Want::memoryMiB)
                .thenComparingInt(Want::vcpus)
                .reversed()
                .thenComparing(Want::key);
    }
}
