package dev.wisp.control;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The API's HTTP/1.1 server on its own Netty event loop (not the router's). Request heads are
 * bounded by the codec, bodies by the aggregator ({@code maxBodyBytes}) or, for image uploads,
 * streamed to disk up to {@code maxImageBytes}. Handlers run on {@link ApiWorkers}.
 */
final class ApiServer implements AutoCloseable {
    static final int MAX_LINE = 4096;
    static final int MAX_HEADERS = 16 * 1024;

    private final EventLoopGroup group = new NioEventLoopGroup(
            1, Thread.ofPlatform().name("wisp-api").daemon().factory());
    private final ApiWorkers workers;
    private final Channel channel;

    ApiServer(Api api, EventLog events, String host, int port, int maxBodyBytes, long maxImageBytes, Path uploads) {
        this.workers = new ApiWorkers(api);
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("codec", new HttpServerCodec(MAX_LINE, MAX_HEADERS, 64 * 1024))
                                .addLast("idle", new IdleStateHandler(0, 0, 120, TimeUnit.SECONDS))
                                .addLast("uploads", new UploadHandler(api, maxImageBytes, uploads, workers))
                                .addLast("aggregator", new JsonAggregator(maxBodyBytes))
                                .addLast("api", new ApiHandler(events, workers));
                    }
                });
        this.channel =
                b.bind(new InetSocketAddress(host, port)).syncUninterruptibly().channel();
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.close();
    }
}
