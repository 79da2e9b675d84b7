package dev.wisp.router;

import io.netty.channel.Channel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Idle keep-alive upstream connections of one event loop, per endpoint. One pool per event loop
 * (never shared across threads, so no locking): a client connection only borrows upstream
 * connections living on its own loop, which keeps every byte of an exchange on one thread.
 *
 * <p>LIFO: the most recently used connection is reused first, so surplus connections stay idle
 * and are closed by the idle timeout instead of being kept warm by round-robin reuse.
 */
final class UpstreamPool {
    private final int maxIdlePerEndpoint;
    private final Map<Endpoint, ArrayDeque<Channel>> idle = new HashMap<>();

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
        ArrayDeque<Channel> q = idle.get(ep);
        if (q != null) {
            q.remove(ch);
            if (q.isEmpty()) {
                idle.remove(ep);
            }
        }
    }

    /** Closes the idle connections of an endpoint that went away. */
    void evict(Endpoint ep) {
        ArrayDeque<Channel> q = idle.remove(ep);
        if (q != null) {
            new ArrayList<>(q).forEach(Channel::close);
        }
    }

    void closeAll() {
        List<Channel> all = new ArrayList<>();
        idle.values().forEach(all::addAll);
        idle.clear();
        all.forEach(Channel::close);
    }
}
