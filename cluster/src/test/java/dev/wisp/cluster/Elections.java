package dev.wisp.cluster;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what an election told its listener, for tests. */
final class Elections implements LeaderElection.Listener {
    final List<String> events = new CopyOnWriteArrayList<>();
    volatile LeaderElection.Term term;

    @Override
    public void elected(LeaderElection.Term t) {
        term = t;
        events.add("elected " + t.revision());
    }

    @Override
    public void deposed(LeaderElection.Term t) {
        events.add("deposed " + t.revision());
    }

    boolean leads() {
        return !events.isEmpty() && events.getLast().startsWith("elected");
    }
}
