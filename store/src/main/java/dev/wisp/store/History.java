package dev.wisp.store;

import java.util.ArrayList;
import java.util.List;

/**
 * Recent watch events in revision order, for watches to replay, bounded by event count and bytes.
 * Every revision has at least one event, so "the events from revision r" is well defined.
 *
 * <p>Not thread-safe; the store's lock guards it.
 */
final class History {

    /** What a watch found: matching events, and the revision to continue from. */
    record Scan(List<WatchEvent> events, long nextRevision) {}

    private final int maxEvents;
    private final long maxBytes;
    private final ArrayList<WatchEvent> events = new ArrayList<>();
    private int start; // events before this index are dropped; removed in bulk to keep appends O(1)
    private long bytes;
    private long oldestRevision;

    /**
     * @param options bounds it by their {@code historyMaxEvents} and {@code historyMaxBytes}
     * @param oldestRevision the first revision whose events will be kept (events before it are lost)
     */
    History(EmbeddedOptions options, long oldestRevision) {
        this.maxEvents = options.historyMaxEvents();
        this.maxBytes = options.historyMaxBytes();
        this.oldestRevision = oldestRevision;
    }

    /** The oldest revision a watch can start from. */
    long oldestRevision() {
        return oldestRevision;
    }

    void append(List<WatchEvent> newEvents) {
        for (WatchEvent e : newEvents) {
            events.add(e);
            bytes += size(e);
        }
        while (start < events.size() && (events.size() - start > maxEvents || bytes > maxBytes)) {
            dropOldestRevision();
        }
    }

    /** Drops events before {@code revision}. */
    void compact(long revision) {
        while (start < events.size() && events.get(start).revision() < revision) {
            dropOldestRevision();
        }
        oldestRevision = Math.max(oldestRevision, revision);
    }

    /**
     * Events with revision >= {@code from} whose key starts with {@code prefix}, looking at about
     * {@code limit} events (whole revisions only).
     */
    Scan scan(long from, String prefix, int limit) {
        int i = firstIndexAtOrAfter(from);
        List<WatchEvent> out = new ArrayList<>();
        long next = from;
        int looked = 0;
        while (i < events.size()) {
            WatchEvent e = events.get(i);
            if (looked >= limit && e.revision() != next - 1) {
                break;
            }
            if (e.key().startsWith(prefix)) {
                out.add(e);
            }
            next = e.revision() + 1;
            looked++;
            i++;
        }
        return new Scan(out, next);
    }

    private int firstIndexAtOrAfter(long revision) {
        int lo = start;
        int hi = events.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (events.get(mid).revision() < revision) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void dropOldestRevision() {
        long rev = events.get(start).revision();
        while (start < events.size() && events.get(start).revision() == rev) {
            bytes -= size(events.get(start));
            events.set(start, null);
            start++;
        }
        oldestRevision = rev + 1;
        if (start > 1024 && start > events.size() / 2) {
            events.subList(0, start).clear();
            start = 0;
        }
    }

    /** Rough retained size: keys and values (prevKv keeps an old value alive), plus object overhead. */
    private static long size(WatchEvent e) {
        long s = 96 + 2L * e.key().length() + e.kv().valueSize();
        if (e.prevKv() != null) {
            s += e.prevKv().valueSize();
        }
        return s;
    }
}
