package dev.wisp.functions;

import java.util.ArrayDeque;
import java.util.List;

/** The latest {@value #CAPACITY} calls of one function, newest last. */
final class InvocationLog {
    static final int CAPACITY = 1000;
    private final ArrayDeque<LogEntry> entries = new ArrayDeque<>();

    synchronized void add(LogEntry e) {
        if (entries.size() == CAPACITY) {
            entries.removeFirst();
        }
        entries.addLast(e);
    }

    synchronized List<LogEntry> entries() {
        return List.copyOf(entries);
    }
}
