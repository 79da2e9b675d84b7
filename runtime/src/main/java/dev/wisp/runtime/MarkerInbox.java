package dev.wisp.runtime;

import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The markers an instance waits for, bounded whatever the guest prints: only kinds the current
 * step expects are kept, each at most once per step (so at most one of each kind is ever held);
 * everything else is dropped on arrival.
 */
final class MarkerInbox {
    private final ArrayDeque<ConsoleMarker> queue = new ArrayDeque<>();
    private Set<ConsoleMarker.Kind> expected = EnumSet.noneOf(ConsoleMarker.Kind.class);
    private final Set<ConsoleMarker.Kind> seen = EnumSet.noneOf(ConsoleMarker.Kind.class);

    /** Starts a step that waits for these kinds; what was held for the last step is dropped. */
    synchronized void expect(Set<ConsoleMarker.Kind> kinds) {
        expected = kinds.isEmpty() ? EnumSet.noneOf(ConsoleMarker.Kind.class) : EnumSet.copyOf(kinds);
        seen.clear();
        queue.clear();
    }

    /** Ends the step: nothing is expected until the next one. */
    synchronized void close() {
        expect(Set.of());
    }

    synchronized void offer(ConsoleMarker m) {
        if (expected.contains(m.kind()) && seen.add(m.kind())) {
            queue.addLast(m);
            notifyAll();
        }
    }

    /** The next marker, waiting up to {@code nanos}; null if none came. */
    synchronized ConsoleMarker poll(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        while (queue.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return queue.pollFirst();
    }

    /** Markers held now. */
    synchronized int size() {
        return queue.size();
    }
}
