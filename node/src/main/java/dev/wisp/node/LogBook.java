package dev.wisp.node;

import dev.wisp.runtime.ConsoleLine;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The console lines of every instance of the node, kept in memory and bounded: each instance keeps
 * its newest lines up to {@code perInstanceBytes}, each node service (a revision) the logs of its
 * {@code instancesPerService} most recently writing instances, live or gone, and the whole book at
 * most {@code totalBytes}, dropping the log written longest ago first. A line costs its characters
 * twice (UTF-16) plus {@value #LINE_OVERHEAD} bytes for its record, so the bound is on heap, not on
 * text. Logs live with the node process: an instance's log outlives the instance and its standby
 * snapshots and restores (it keeps its id), not a node restart.
 */
final class LogBook {
    static final int LINE_OVERHEAD = 64;

    /** The bounds; {@link #DEFAULT} keeps 256 KiB per instance, 10 instances per revision, 64 MiB in all. */
    record Limits(long perInstanceBytes, int instancesPerService, long totalBytes) {
        static final Limits DEFAULT = new Limits(256 * 1024, 10, 64L * 1024 * 1024);
    }

    private final Limits limits;
    private final Function<String, String> serviceOf;
    /** Service -> instance -> log, instances in order of their last write (access order). */
    private final Map<String, LinkedHashMap<String, Ring>> services = new HashMap<>();

    private final Map<String, CopyOnWriteArrayList<Consumer<LogLine>>> followers = new HashMap<>();
    private long seq;
    private long bytes;

    LogBook(Limits limits, Function<String, String> serviceOf) {
        this.limits = limits;
        this.serviceOf = serviceOf;
    }

    /** Records a line (runs on the instance's console reader). */
    void append(ConsoleLine c) {
        String service = serviceOf.apply(c.instanceId());
        synchronized (this) {
            LogLine line;
            line = new LogLine(++seq, c.at(), c.instanceId(), c.stream(), c.text());
            LinkedHashMap<String, Ring> instances =
                    services.computeIfAbsent(service, s -> new LinkedHashMap<>(16, 0.75f, true));
            Ring ring = instances.computeIfAbsent(c.instanceId(), i -> new Ring());
            bytes += ring.add(line, limits.perInstanceBytes());
            while (instances.size() > limits.instancesPerService()) {
                var oldest = instances.entrySet().iterator();
                bytes -= oldest.next().getValue().bytes;
                oldest.remove();
            }
            while (bytes > limits.totalBytes()) {
                dropOldest();
            }
            // Under the lock, so a follower sees lines in order and none twice or missing (see follow).
            List<Consumer<LogLine>> follow = followers.get(service);
            if (follow != null) {
                follow.forEach(f -> f.accept(line));
            }
        }
    }

    /** Drops the whole log whose last line is the oldest in the book. */
    private void dropOldest() {
        String service = null;
        String instance = null;
        long oldest = Long.MAX_VALUE;
        for (var s : services.entrySet()) {
            for (var i : s.getValue().entrySet()) {
                if (i.getValue().lastSeq < oldest) {
                    oldest = i.getValue().lastSeq;
                    service = s.getKey();
                    instance = i.getKey();
                }
            }
        }
        var instances = services.get(service);
        bytes -= instances.remove(instance).bytes;
        if (instances.isEmpty()) {
            services.remove(service);
        }
    }

    /** Every retained line of the service's instances, oldest first. */
    synchronized List<LogLine> lines(String service) {
        var instances = services.get(service);
        if (instances == null) {
            return List.of();
        }
        List<LogLine> all = new ArrayList<>();
        // values() of an access-ordered map does not reorder it.
        instances.values().forEach(r -> all.addAll(r.lines));
        all.sort(Comparator.comparingLong(LogLine::seq));
        return all;
    }

    /** Bytes the book holds now (its heap cost by the rule above). */
    synchronized long bytes() {
        return bytes;
    }

    /**
     * Calls {@code listener} with the retained lines of the service after {@code afterSeq}, then with
     * each new one, until the returned action runs. It runs under the book's lock: it must not block.
     */
    Runnable follow(String service, long afterSeq, Consumer<LogLine> listener) {
        synchronized (this) {
            lines(service).stream().filter(l -> l.seq() > afterSeq).forEach(listener);
            followers
                    .computeIfAbsent(service, s -> new CopyOnWriteArrayList<>())
                    .add(listener);
        }
        return () -> {
            synchronized (this) {
                var list = followers.get(service);
                if (list != null) {
                    list.remove(listener);
                    if (list.isEmpty()) {
                        followers.remove(service);
                    }
                }
            }
        };
    }

    /** One instance's newest lines. Guarded by the book. */
    private static final class Ring {
        final ArrayDeque<LogLine> lines = new ArrayDeque<>();
        long bytes;
        long lastSeq;

        /** Adds a line, drops the oldest beyond the bound; returns the change in bytes. */
        long add(LogLine line, long max) {
            long before = bytes;
            lines.addLast(line);
            bytes += cost(line);
            lastSeq = line.seq();
            while (bytes > max && lines.size() > 1) {
                bytes -= cost(lines.removeFirst());
            }
            return bytes - before;
        }
    }

    static long cost(LogLine l) {
        return 2L * l.text().length() + LINE_OVERHEAD;
    }
}
