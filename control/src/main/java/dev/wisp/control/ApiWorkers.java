package dev.wisp.control;

import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Where the API's calls run: on virtual threads (handlers write to the store, which waits for the
 * disk), at most {@value #MAX_CONCURRENT} at once. A connection stops reading while its call runs,
 * so pipelined requests are answered in order.
 */
final class ApiWorkers implements AutoCloseable {
    static final int MAX_CONCURRENT = 64;

    private final Api api;
    private final ExecutorService pool = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("wisp-api-", 0).factory());
    private final Semaphore slots = new Semaphore(MAX_CONCURRENT);

    ApiWorkers(Api api) {
        this.api = api;
    }

    /** The answer when every worker is taken. */
    static Reply busy() {
        return Reply.error(new ApiException(503, "unavailable", "the server is busy; retry"));
    }

    /**
     * Handles {@code call} on a worker with the channel's reading paused, then gives the reply to
     * {@code answer} (on the worker) and resumes reading. {@code handled} runs once the API is done
     * with the call, before the answer; when the workers are shut down it runs too, and the
     * connection closes.
     *
     * @return false, having done nothing, when every worker is taken: the caller answers {@link #busy()}
     */
    boolean handle(ChannelHandlerContext ctx, Call call, Runnable handled, Consumer<Reply> answer) {
        if (!slots.tryAcquire()) {
            return false;
        }
        ctx.channel().config().setAutoRead(false);
        try {
            pool.execute(() -> {
                Reply r;
                try {
                    r = api.handle(call);
                } finally {
                    handled.run();
                    slots.release();
                }
                answer.accept(r);
                ctx.channel().config().setAutoRead(true);
            });
        } catch (RejectedExecutionException e) {
            handled.run();
            slots.release();
            ctx.close();
        }
        return true;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
