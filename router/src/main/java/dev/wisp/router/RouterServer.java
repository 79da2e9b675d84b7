package dev.wisp.router;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Wisp's HTTP front door: an HTTP/1.1 reverse proxy that maps requests to services ({@link
 * ServiceResolver}), balances them over the services' ready endpoints ({@link ServiceDirectory})
 * by least outstanding requests (power of two choices), holds them in a bounded per-service
 * buffer while no endpoint can take them (calling {@link ServiceBackend#demand} at once), and
 * streams bodies both ways over pooled keep-alive upstream connections.
 *
 * <pre>{@code
 * ServiceTable services = new ServiceTable().define("hello");
 * try (RouterServer router = RouterServer.builder()
 *         .config(RouterConfig.builder().port(8080).build())
 *         .directory(services)
 *         .build()) {
 *   router.start();
 *   services.addEndpoint("hello", new Endpoint("vm-1", "10.0.0.2", 8080));
 *   // curl -H 'Host: hello.localhost' http://127.0.0.1:8080/
 * }
 * }</pre>
 */
public final class RouterServer implements ServiceLoads, AutoCloseable {
    private final RouterConfig config;
    private final ServiceResolver resolver;
    private final ServiceDirectory directory;
    private final RequestGate gate;
    private final RouterMetrics metrics;
    private final Transport transport = Transport.best();
    private final ClientLoops clientLoops = new ClientLoops();
    private EventLoopGroup workers;
    private RouterRuntime runtime;
    private Channel serverChannel;
    private int port = -1;
    private boolean closed;

    private RouterServer(Builder b) {
        this.config = b.config;
        this.directory = Objects.requireNonNull(b.directory, "directory");
        this.gate = b.gate;
        this.resolver = b.resolver;
        this.metrics = new RouterMetrics(b.registry);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the listener and starts serving.
     *
     * @return the bound port (useful with port 0)
     */
    public synchronized int start() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (serverChannel != null) {
            return port;
        }
        // No separate accept thread: the loop that accepts a connection serves it (ClientLoops).
        workers = transport.group(config.ioThreads(), "wisp-router-io", clientLoops);
        runtime = new RouterRuntime(
                config, new RouterRuntime.Platform(resolver, gate, directory), metrics, transport, workers);
        RouterRuntime rt = runtime;
        ClientLoops loops = clientLoops;
        ServerBootstrap sb = new ServerBootstrap()
                .group(workers, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        loops.track(ch);
                        clientPipeline(ch, rt);
                    }
                });
        try {
            serverChannel = sb.bind(config.bindHost(), config.port())
                    .syncUninterruptibly()
                    .channel();
        } catch (RuntimeException e) {
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
        port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        return port;
    }

    /** The pipeline of one accepted client connection: {@code codec -> idle -> front}. */
    static void clientPipeline(Channel ch, RouterRuntime rt) {
        RouterConfig config = rt.config;
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(config.maxInitialLineLength())
                .setMaxHeaderSize(config.maxHeaderSize())
                .setMaxChunkSize(config.maxChunkSize());
        ch.pipeline()
                .addLast("codec", new HttpServerCodec(decoder))
                .addLast("idle", new IdleTimer(config.clientIdleTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .addLast("front", new FrontendHandler(rt));
    }

    /** The bound port, or -1 before {@link #start()}. */
    public synchronized int port() {
        return port;
    }

    /** Client connections open on each event loop (for tests). */
    int[] clientsPerLoop() {
        return clientLoops.counts();
    }

    /** "epoll" or "nio". */
    public String transport() {
        return transport.name();
    }

    /** Meters of this router; {@link RouterMetrics#scrape()} renders Prometheus text. */
    public RouterMetrics metrics() {
        return metrics;
    }

    /**
     * Load of every service this router has seen (in flight, queued, per instance), for
     * autoscalers. Cheap enough to poll every second.
     */
    public Map<String, ServiceLoad> snapshot() {
        Map<String, ServiceLoad> out = new TreeMap<>();
        RouterRuntime rt = runtime;
        if (rt != null) {
            rt.services.forEach((name, s) -> out.put(name, s.snapshot()));
        }
        return out;
    }

    /** Load of one service, or {@code null} if no request for it reached this router yet. */
    @Override
    public ServiceLoad snapshot(String service) {
        RouterRuntime rt = runtime;
        ServiceState s = rt == null ? null : rt.services.get(service);
        return s == null ? null : s.snapshot();
    }

    /**
     * Graceful stop: stops accepting, closes idle client connections, lets in-flight and queued
     * requests finish for up to {@link RouterConfig#drainTimeout()} (their responses carry
     * {@code Connection: close}), then closes everything.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (runtime == null) {
            return;
        }
        RouterRuntime rt = runtime;
        rt.draining = true;
        serverChannel.close().syncUninterruptibly();
        for (Channel ch : rt.clients) {
            FrontendHandler f = ch.pipeline().get(FrontendHandler.class);
            if (f != null) {
                ch.eventLoop().execute(f::closeIfIdle);
            }
        }
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        while (rt.activeExchanges.get() > 0 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        rt.clients.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        rt.closePools();
        for (ServiceState s : rt.services.values()) {
            s.close();
        }
        rt.services.clear();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Builder: {@link #directory} is required. */
    public static final class Builder {
        private RouterConfig config = RouterConfig.defaults();
        private ServiceResolver resolver = Routes.localhost();
        private ServiceDirectory directory;
        private RequestGate gate = RequestGate.ADMIT_ALL;
        private PrometheusMeterRegistry registry;

        private Builder() {}

        public Builder config(RouterConfig config) {
            this.config = Objects.requireNonNull(config);
            return this;
        }

        /** How requests map to service names (default: {@code NAME.localhost}). */
        public Builder resolver(ServiceResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver);
            return this;
        }

        /**
         * Who may reach which service (default: everyone). Denied requests get the unknown-service
         * 404; see {@link RequestGate}.
         */
        public Builder gate(RequestGate gate) {
            this.gate = Objects.requireNonNull(gate);
            return this;
        }

        /** The platform's services and their endpoints. */
        public Builder directory(ServiceDirectory directory) {
            this.directory = Objects.requireNonNull(directory);
            return this;
        }

        /** Registry to put the router's meters in (default: a new one). */
        public Builder meterRegistry(PrometheusMeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        public RouterServer build() {
            return new RouterServer(this);
        }
    }
}
