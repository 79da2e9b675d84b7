package dev.wisp.router;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Everything the handlers of one {@link RouterServer} share: configuration, the seam to the
 * platform, per-service state, per-loop upstream pools and the upstream bootstrap.
 */
final class RouterRuntime {
    final RouterConfig config;
    final RouterMetrics metrics;
    private final Platform platform;
    final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    final AtomicInteger activeExchanges = new AtomicInteger();
    final ConcurrentHashMap<String, ServiceState> services = new ConcurrentHashMap<>();
    volatile boolean draining;

    private final Map<EventLoop, UpstreamPool> pools;
    private final Map<EventLoop, LoopFlusher> flushers;
    private final Bootstrap upstreamBootstrap;

    /**
     * The seam to the platform: which service a request names, whether it may reach it, and the
     * service's endpoints.
     */
    record Platform(ServiceResolver resolver, RequestGate gate, ServiceDirectory directory) {}

    /** @param loops the event loops that serve clients; each gets its own upstream pool and flusher */
    RouterRuntime(
            RouterConfig config, Platform platform, RouterMetrics metrics, Transport transport, EventLoopGroup loops) {
        this.config = config;
        this.platform = platform;
        this.metrics = metrics;
        Map<EventLoop, UpstreamPool> p = new IdentityHashMap<>();
        for (EventExecutor e : loops) {
            p.put((EventLoop) e, new UpstreamPool(config.maxIdleUpstreamPerEndpoint()));
        }
        this.pools = p; // never modified after construction: safe to read from every loop
        Map<EventLoop, LoopFlusher> f = new IdentityHashMap<>();
        for (EventExecutor e : loops) {
            f.put((EventLoop) e, new LoopFlusher((EventLoop) e));
        }
        this.flushers = f; // likewise
        long idleMs = config.upstreamIdleTimeout().toMillis();
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(config.maxInitialLineLength())
                .setMaxHeaderSize(config.maxHeaderSize())
                .setMaxChunkSize(config.maxChunkSize());
        this.upstreamBootstrap = new Bootstrap()
                .group(loops)
                .channel(transport.channel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        config.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast("codec", new HttpClientCodec(decoder, false, false))
                                .addLast("idle", new IdleTimer(idleMs, TimeUnit.MILLISECONDS))
                                .addLast("backend", new BackendHandler());
                    }
                });
    }

    UpstreamPool pool(EventLoop loop) {
        return pools.get(loop);
    }

    LoopFlusher flusher(EventLoop loop) {
        return flushers.get(loop);
    }

    /** Opens a connection on the given loop, so the exchange never changes threads. */
    ChannelFuture connect(EventLoop loop, EndpointState ep) {
        return upstreamBootstrap.clone(loop).connect(ep.address);
    }

    /** Returns an idle upstream connection to its loop's pool, or closes it if the pool is full. */
    void park(EventLoop loop, Endpoint ep, Channel ch) {
        UpstreamPool pool = pools.get(loop);
        if (draining || !ch.isActive() || !pool.offer(ep, ch)) {
            ch.close();
            return;
        }
        ch.pipeline().get(BackendHandler.class).parked(pool, ep);
        ch.config().setAutoRead(true); // so a close by the backend is noticed while idle
    }

    /**
     * The service a request goes to, or null: no route, the directory does not know the name, or
     * the gate denies the request (the same answer as an unknown service, so names do not leak).
     */
    ServiceState route(RequestTarget target, HttpRequest request) {
        String name = platform.resolver().resolve(target.host(), target.path());
        ServiceBackend be = name == null ? null : platform.directory().lookup(name);
        if (be == null) {
            if (name != null) {
                forget(name);
            }
            return null;
        }
        return platform.gate().admit(name, request) ? service(name, be) : null;
    }

    /** The router's state for a service, created (and subscribed) on first use. */
    ServiceState service(String name, ServiceBackend backend) {
        ServiceState s = services.get(name);
        if (s != null && s.backend == backend) {
            return s;
        }
        synchronized (services) {
            s = services.get(name);
            if (s != null && s.backend == backend) {
                return s;
            }
            if (s != null) {
                s.close(); // the platform replaced the service object: start over
            }
            ServiceState fresh = new ServiceState(name, backend, metrics, this::endpointRemoved);
            fresh.open(() -> forgetIfUnlisted(name, backend));
            services.put(name, fresh);
            return fresh;
        }
    }

    /** The directory no longer knows the service. */
    void forget(String name) {
        ServiceState s;
        synchronized (services) {
            s = services.remove(name);
        }
        if (s != null) {
            s.close();
        }
    }

    /**
     * The directory dropped or replaced the service: its state and meters go now, not at the next
     * request for its name (a removed service may never see one).
     */
    private void forgetIfUnlisted(String name, ServiceBackend backend) {
        if (platform.directory().lookup(name) == backend) {
            return;
        }
        ServiceState s;
        synchronized (services) {
            s = services.get(name);
            if (s == null || s.backend != backend) {
                return;
            }
            services.remove(name);
        }
        s.close();
    }

    int retryAfterSeconds() {
        return (int) Math.max(0, config.retryAfter().toSeconds());
    }

    private void endpointRemoved(EndpointState s) {
        s.meters.close();
        for (Map.Entry<EventLoop, UpstreamPool> e : pools.entrySet()) {
            UpstreamPool pool = e.getValue();
            if (!e.getKey().isShuttingDown()) {
                e.getKey().execute(() -> pool.evict(s.endpoint, s.died));
            }
        }
    }

    void closePools() {
        for (Map.Entry<EventLoop, UpstreamPool> e : pools.entrySet()) {
            UpstreamPool pool = e.getValue();
            if (!e.getKey().isShuttingDown()) {
                e.getKey().execute(pool::closeAll);
            }
        }
    }
}
