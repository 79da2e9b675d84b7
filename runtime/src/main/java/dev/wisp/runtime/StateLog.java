package dev.wisp.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link Instance}'s state and every change of it, each checked against {@link
 * InstanceState#next()}. The instance's lock orders the changes; reads need no lock.
 */
final class StateLog {
    private final String id;
    private final List<InstanceEvent> history = new ArrayList<>();
    private volatile InstanceState state = InstanceState.CREATING;
    private volatile Instant since = Instant.now();

    StateLog(String id) {
        this.id = id;
    }

    InstanceState state() {
        return state;
    }

    /** Every change so far, oldest first. */
    List<InstanceEvent> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /** Throws a {@link VmException} naming {@code action} unless the state is one of {@code allowed}. */
    void require(String action, InstanceState... allowed) {
        if (!List.of(allowed).contains(state)) {
            throw new VmException(
                    "cannot " + action + " " + id + " while " + state.name().toLowerCase());
        }
    }

    /** Moves to {@code to}, or throws {@link IllegalStateException} for a move the machine has not. */
    InstanceEvent move(InstanceState to, String detail) {
        InstanceState from = state;
        if (!from.next().contains(to)) {
            throw new IllegalStateException(id + ": illegal transition " + from + " -> " + to);
        }
        Instant now = Instant.now();
        InstanceEvent event = new InstanceEvent(id, from, to, now, Duration.between(since, now), detail);
        state = to;
        since = now;
        synchronized (history) {
            history.add(event);
        }
        return event;
    }
}
