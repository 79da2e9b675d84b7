package dev.wisp.router;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fires {@link IdleStateEvent#ALL_IDLE_STATE_EVENT} (and again every timeout while it lasts)
 * when a connection has neither completed a read nor flushed for the timeout, give or take an
 * eighth: the event comes between 1 and 1.125 timeouts after the last activity.
 *
 * <p>Replaces Netty's {@code IdleStateHandler}, which to timestamp write completion turns every
 * write's void promise into a real promise and adds a listener to it: three allocations and a
 * listener notification per write, and it makes the HTTP encoder split its output over a
 * promise combiner. On a proxy that writes four messages per request that was several percent
 * of the CPU. Here activity only sets a flag (no clock read on the hot path) and a check runs
 * every eighth of the timeout, counting quiet periods.
 */
final class IdleTimer extends ChannelDuplexHandler {
    private static final int PERIODS = 8;
    private final long periodNanos;
    private boolean active;
    private int quiet;
    private ScheduledFuture<?> check;
    private boolean started;

    IdleTimer(long idle, TimeUnit unit) {
        this.periodNanos = Math.max(unit.toNanos(idle) / PERIODS, 1);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
            start(ctx);
        }
    }

    @Override
    public void channelRegistered(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
        super.channelRegistered(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        active = true;
        ctx.fireChannelReadComplete();
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        active = true;
        ctx.flush();
    }

    private void start(ChannelHandlerContext ctx) {
        if (started) {
            return;
        }
        started = true;
        check = ctx.executor().scheduleAtFixedRate(() -> check(ctx), periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    private void stop() {
        started = true; // never (re)start after removal or close
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    private void check(ChannelHandlerContext ctx) {
        if (check == null || !ctx.channel().isOpen()) {
            return;
        }
        if (active) {
            active = false;
            quiet = 0;
        } else if (++quiet >= PERIODS) {
            quiet = 0; // the next event, if the silence lasts, one timeout later
            ctx.fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        }
    }
}
