package dev.wisp.router;

import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorChooserFactory;
import io.netty.util.concurrent.ThreadPerTaskExecutor;
import java.nio.channels.spi.SelectorProvider;

/** Native epoll where the platform offers it (Linux x86_64), NIO otherwise. */
record Transport(
        String name, Class<? extends ServerSocketChannel> serverChannel, Class<? extends SocketChannel> channel) {

    static Transport best() {
        if (Epoll.isAvailable()) {
            return new Transport("epoll", EpollServerSocketChannel.class, EpollSocketChannel.class);
        }
        return new Transport("nio", NioServerSocketChannel.class, NioSocketChannel.class);
    }

    @SuppressWarnings("deprecation") // the 4.1 group classes; the 4.2 API is not on our Netty yet
    EventLoopGroup group(int threads, String prefix, EventExecutorChooserFactory chooser) {
        ThreadPerTaskExecutor executor = new ThreadPerTaskExecutor(new DefaultThreadFactory(prefix, true));
        return name.equals("epoll")
                ? new EpollEventLoopGroup(threads, executor, chooser, DefaultSelectStrategyFactory.INSTANCE)
                : new NioEventLoopGroup(
                        threads, executor, chooser, SelectorProvider.provider(), DefaultSelectStrategyFactory.INSTANCE);
    }
}
