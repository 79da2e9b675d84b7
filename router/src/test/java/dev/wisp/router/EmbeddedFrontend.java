package dev.wisp.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One client connection of a router, on an {@link EmbeddedChannel}: the pipeline {@link
 * RouterServer#start()} gives each accepted connection ({@code codec -> idle -> front}), over a
 * {@link RouterRuntime} whose event loop is the channel's own. No socket is opened, and the
 * channel's clock is frozen: timers fire only when a test advances it.
 */
final class EmbeddedFrontend implements AutoCloseable {
    final EmbeddedChannel channel;
    final RouterRuntime runtime;

    EmbeddedFrontend(RouterConfig config, ServiceDirectory directory, RequestGate gate) {
        RouterRuntime[] rt = new RouterRuntime[1];
        channel = new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                rt[0] = new RouterRuntime(
                        config,
                        new RouterRuntime.Platform(Routes.localhost(), gate, directory),
                        new RouterMetrics(null),
                        Transport.best(),
                        ch.eventLoop());
                RouterServer.clientPipeline(ch, rt[0]);
            }
        });
        channel.freezeTime();
        runtime = rt[0];
    }

    /** Sends raw bytes from the client. */
    EmbeddedFrontend send(String raw) {
        return send(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    EmbeddedFrontend send(byte[] raw) {
        if (channel.isOpen()) {
            channel.writeInbound(Unpooled.wrappedBuffer(raw));
        }
        return this;
    }

    /** Moves the channel's clock on and runs the timers that came due. */
    void advance(Duration d) {
        channel.advanceTimeBy(d.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    /** Everything the router has written to the client so far. */
    String received() {
        channel.runPendingTasks();
        StringBuilder b = new StringBuilder();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            b.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return b.toString();
    }

    /** An HTTP/1.x response as the client reads it: header names in lower case. */
    record Answer(String version, int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    /**
     * Splits what the client received into responses, framed by Content-Length (a response to HEAD
     * has none of its body: {@code heads} says which of them answer a HEAD). Fails on leftovers.
     */
    static List<Answer> parse(String raw, boolean... heads) {
        List<Answer> out = new ArrayList<>();
        int at = 0;
        while (at < raw.length()) {
            int end = raw.indexOf("\r\n\r\n", at);
            if (end < 0) {
                throw new AssertionError("incomplete response head: " + raw.substring(at));
            }
            String[] lines = raw.substring(at, end).split("\r\n");
            String[] status = lines[0].split(" ", 3);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(
                        lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            boolean head = out.size() < heads.length && heads[out.size()];
            int length = head ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
            at = end + 4;
            if (at + length > raw.length()) {
                throw new AssertionError("body shorter than its content-length: " + raw.substring(at));
            }
            out.add(new Answer(status[0], Integer.parseInt(status[1]), headers, raw.substring(at, at + length)));
            at += length;
        }
        return out;
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
    }
}
