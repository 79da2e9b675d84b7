package dev.wisp.router;

import io.netty.channel.Channel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Idle keep-alive upstream connections of one event loop, per endpoint, and the tries busy at
 * each endpoint (so that a dead endpoint's busy connections can be closed too). One pool per event loop
 * (never shared across threads, so no locking): a client connection only borrows upstream
 * connections living on its own loop, which keeps every byte of an exchange on one thread.
 *
 * <p>LIFO: the most recently used connection is reused first, so surplus connections stay idle
 * and are closed by the idle timeout instead of being kept warm by round-robin reuse.
 */
final class UpstreamPool {
    private final int maxIdlePerEndpoint;
    private final Map<Endpoint, ArrayDeque<Channel>> idle = new HashMap<>();
    private final Map<Endpoint, Set<Attempt>> busy = new HashMap<>();
    private final Map<Endpoint, Set<Channel>> tunnels = new HashMap<>();

    UpstreamPool(int maxIdlePerEndpoint) {
        this.maxIdlePerEndpoint = maxIdlePerEndpoint;
    }

    /** A live idle connection to the endpoint, or null. */
    Channel poll(Endpoint ep) {
        ArrayDeque<Channel> q = idle.get(ep);
        if (q == null) {
            return null;
        }
        Channel ch;
        while ((ch = q.pollFirst()) != null) {
            if (ch.isActive()) {
                return ch;
            }
            ch.close();
        }
        return null;
    }

    /** Parks a connection; false (caller closes it) if the endpoint's idle set is full. */
    boolean offer(Endpoint ep, Channel ch) {
        ArrayDeque<Channel> q = idle.computeIfAbsent(ep, k -> new ArrayDeque<>());
        if (q.size() >= maxIdlePerEndpoint) {
            return false;
        }
        q.addFirst(ch);
        return true;
    }

    /** Forgets a connection that closed or timed out while idle. */
    void remove(Endpoint ep, Channel ch) {
        removeFrom(idle, ep, ch);
    }

    /** A try started at the endpoint (connecting or connected). */
    void busy(Endpoint ep, Attempt a) {
        busy.computeIfAbsent(ep, k -> new LinkedHashSet<>()).add(a);
    }

    /** The try is over, whichever way. */
    void done(Endpoint ep, Attempt a) {
        removeFrom(busy, ep, a);
    }

    /** Removes one item of an endpoint's collection, and the endpoint's entry once it is empty. */
    private static <T, C extends Collection<T>> void removeFrom(Map<Endpoint, C> byEndpoint, Endpoint ep, T item) {
        byEndpoint.computeIfPresent(ep, (k, items) -> {
            items.remove(item);
            return items.isEmpty() ? null : items;
        });
    }

    /**
     * An upgraded connection (WebSocket, say) to the endpoint became a tunnel: kept until it
     * closes, so that the endpoint's death can close it (the peer of a killed guest behind TAP
     * never sends a reset, and a silent tunnel would otherwise wait for the idle timeout).
     */
    void tunnel(Endpoint ep, Channel upstream) {
        tunnels.computeIfAbsent(ep, k -> new LinkedHashSet<>()).add(upstream);
        // The close runs on the channel's own loop, which is this pool's.
        upstream.closeFuture().addListener(f -> {
            Set<Channel> s = tunnels.get(ep);
            if (s != null && s.remove(upstream) && s.isEmpty()) {
                tunnels.remove(ep);
            }
        });
    }

    /**
     * Closes the idle connections of an endpoint that went away; when its instance died, fails
     * its busy tries and closes its tunnels too (a drained or paused endpoint's tries and tunnels
     * finish normally). A closed tunnel upstream closes its client side as well.
     */
    void evict(Endpoint ep, boolean died) {
        ArrayDeque<Channel> q = idle.remove(ep);
        if (q != null) {
            new ArrayList<>(q).forEach(Channel::close);
        }
        if (died) {
            Set<Attempt> s = busy.remove(ep);
            if (s != null) {
                new ArrayList<>(s).forEach(Attempt::endpointDied);
            }
            Set<Channel> t = tunnels.remove(ep);
            if (t != null) {
                new ArrayList<>(t).forEach(Channel::close);
            }
        }
    }

    void closeAll() {
        List<Channel> all = new ArrayList<>();
        idle.values().forEach(all::addAll);
        idle.clear();
        all.forEach(Channel::close);
    }
}
