package dev.wisp.cli;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Steady requests through the router on a background thread, one after another, counting which
 * revision answered each (from the whoami line's instance id) and every request that failed.
 */
final class DemoTraffic implements AutoCloseable {
    private final DemoCurl curl;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<Integer, Integer> byRevision = new TreeMap<>();
    private final Thread thread;
    private int failed;
    private String lastFailure = "";

    private DemoTraffic(DemoCurl curl) {
        this.curl = curl;
        this.thread = Thread.ofPlatform().daemon().name("wisp-demo-traffic").unstarted(this::loop);
    }

    static DemoTraffic start(DemoCurl curl) {
        DemoTraffic t = new DemoTraffic(curl);
        t.thread.start();
        return t;
    }

    private void loop() {
        while (running.get()) {
            DemoCurl.Answer a = curl.get();
            synchronized (this) {
                if (a.ok() && !a.instance().isEmpty()) {
                    byRevision.merge(DemoEvents.revisionOf(a.instance()), 1, Integer::sum);
                } else {
                    failed++;
                    lastFailure = a.status() + " " + a.body().strip();
                }
                notifyAll();
            }
        }
    }

    synchronized int answeredBy(int revision) {
        return byRevision.getOrDefault(revision, 0);
    }

    /** Waits until {@code n} answers came from the revision; false on timeout. */
    synchronized boolean awaitAnswers(int revision, int n, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (answeredBy(revision) < n) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0 || !thread.isAlive()) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** What the traffic saw moving from revision {@code from} to {@code to}, read under one lock. */
    synchronized String summary(int from, int to) {
        int total = byRevision.values().stream().mapToInt(Integer::intValue).sum() + failed;
        return String.format(
                Locale.ROOT,
                "traffic moved from revision %d to %d: %d requests, %d answered by revision %d, %d by revision %d,"
                        + " %d failed%s",
                from,
                to,
                total,
                answeredBy(from),
                from,
                answeredBy(to),
                to,
                failed,
                failed == 0 ? "" : " (last: " + lastFailure + ")");
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(70_000);
    }
}
