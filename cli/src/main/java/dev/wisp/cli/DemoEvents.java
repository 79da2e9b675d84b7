package dev.wisp.cli;

import dev.wisp.sdk.Event;
import dev.wisp.sdk.EventSubscription;
import dev.wisp.sdk.WispClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's view of the platform's event stream (SSE, {@code GET /v1/events}): the tier of every
 * instance of one service, the most instances of a revision running at once, and, while asked,
 * one printed line per tier change.
 */
final class DemoEvents implements AutoCloseable {
    /** {@code detail} of instance events: {@code FROM -> TO via PATH in N ms} (docs/api.md). */
    private static final Pattern CHANGE = Pattern.compile("(\\S+) -> (\\S+) via (\\S+)(?: in (\\d+) ms)?");
    /** Each revision runs as its own node service {@code NAME-rN-HASH}; instance ids start with it. */
    private static final Pattern REVISION = Pattern.compile("-r(\\d+)-");

    /** One instance moving between tiers; {@code took} is null when the node did not time it. */
    record Change(String instance, String from, String to, String via, Long took) {
        int revision() {
            return revisionOf(instance);
        }
    }

    private final String service;
    private final Map<String, String> tiers = new LinkedHashMap<>();
    private final Map<Integer, Integer> maxRunning = new HashMap<>();
    private final List<Change> changes = new ArrayList<>();
    private EventSubscription subscription;
    private PrintWriter printer;
    private long printSince;

    private DemoEvents(String service) {
        this.service = service;
    }

    /** Subscribes and returns once the stream is connected, so no later change is missed. */
    static DemoEvents watch(WispClient wisp, String service) throws InterruptedException {
        DemoEvents events = new DemoEvents(service);
        events.subscription = wisp.events(null, events::on, null);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!events.subscription.connected()) {
            if (System.nanoTime() > deadline) {
                events.close();
                throw new IllegalStateException("the API's event stream did not connect within 10 s");
            }
            Thread.sleep(20);
        }
        return events;
    }

    static int revisionOf(String instanceId) {
        Matcher m = REVISION.matcher(instanceId == null ? "" : instanceId);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private synchronized void on(Event e) {
        if (!service.equals(e.service())
                || e.kind() == null
                || !e.kind().startsWith("instance.")
                || e.detail() == null) {
            return;
        }
        Matcher m = CHANGE.matcher(e.detail());
        if (!m.find()) {
            return;
        }
        Change c = new Change(
                e.instance(),
                m.group(1),
                m.group(2),
                m.group(3),
                m.group(4) == null ? null : Long.parseLong(m.group(4)));
        changes.add(c);
        if ("gone".equals(c.to()) || "none".equals(c.to())) {
            tiers.remove(c.instance());
        } else {
            tiers.put(c.instance(), c.to());
        }
        int rev = c.revision();
        maxRunning.merge(rev, running(rev), Math::max);
        if (printer != null) {
            printer.println(String.format(
                    Locale.ROOT,
                    "   %+7.1f s  %-22s %s -> %s (%s%s)",
                    (System.nanoTime() - printSince) / 1e9,
                    c.instance(),
                    c.from(),
                    c.to(),
                    c.via(),
                    c.took() == null ? "" : ", " + c.took() + " ms"));
            printer.flush();
        }
        notifyAll();
    }

    /** Prints every tier change from now on, with its time since this call. */
    synchronized void print(PrintWriter out) {
        printer = out;
        printSince = System.nanoTime();
    }

    synchronized void quiet() {
        printer = null;
    }

    synchronized int running(int revision) {
        return count(revision, "running");
    }

    synchronized int count(int revision, String tier) {
        return (int) tiers.entrySet().stream()
                .filter(t -> revisionOf(t.getKey()) == revision && tier.equals(t.getValue()))
                .count();
    }

    /** The most instances of the revision that ran at once since {@link #resetMax}. */
    synchronized int maxRunning(int revision) {
        return maxRunning.getOrDefault(revision, 0);
    }

    synchronized void resetMax(int revision) {
        maxRunning.put(revision, running(revision));
    }

    /** How many changes have been seen: a mark for {@link #firstWakeAfter}. */
    synchronized int mark() {
        return changes.size();
    }

    /** Waits for the tiers of the revision's instances to satisfy {@code condition}; false on timeout. */
    synchronized boolean await(int revision, Predicate<List<String>> condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(tiersOf(revision))) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** The first wake (some tier to running) after the mark, waiting for it a little: events trail the answer. */
    synchronized Change firstWakeAfter(int mark, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (int i = mark; i < changes.size(); i++) {
                Change c = changes.get(i);
                if ("running".equals(c.to()) && !"none".equals(c.from())) {
                    return c;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    synchronized String summary(int revision) {
        return tiersOf(revision).isEmpty()
                ? "no instances"
                : String.format(
                        Locale.ROOT,
                        "%d running, %d paused, %d snapshotted",
                        count(revision, "running"),
                        count(revision, "paused"),
                        count(revision, "snapshotted"));
    }

    private List<String> tiersOf(int revision) {
        return tiers.entrySet().stream()
                .filter(t -> revisionOf(t.getKey()) == revision)
                .map(Map.Entry::getValue)
                .toList();
    }

    @Override
    public void close() {
        if (subscription != null) {
            subscription.close();
        }
    }
}
