package dev.wisp.store.etcd;

import dev.wisp.store.CompactedException;
import dev.wisp.store.StoreException;
import dev.wisp.store.Watch;
import dev.wisp.store.WatchEvent;
import dev.wisp.store.WatchListener;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One {@link Watch} on etcd: an etcd watch stream (one per watch) feeds a queue, and the watch's own virtual thread
 * delivers from it, so a slow or re-entrant listener never blocks the gRPC threads.
 *
 * <p>When the stream breaks (etcd restarted, network
 * cut), the old stream is dropped and a new one is opened from the revision after the last one
 * received, so the listener sees neither a gap nor a duplicate. If that revision has been
 * compacted meanwhile the watch ends with {@link CompactedException}.
 */
final class EtcdWatch implements Watch {

    private static final System.Logger LOG = System.getLogger("dev.wisp.store.etcd");
    private static final long RESUME_DELAY_MILLIS = 500;
    private static final Object WAKE = new Object();

    private static final AtomicLong IDS = new AtomicLong();

    private final EtcdWatches owner;
    private final EtcdRpc rpc;
    private final String prefix;
    private final WatchListener listener;
    private final String name = Long.toString(IDS.incrementAndGet());

    /** Events (WatchEvent), then possibly one terminal StoreException; WAKE just wakes the thread. */
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    /** Held while calling the listener, so {@link #cancel()} can wait for a call in progress. */
    private final ReentrantLock delivery = new ReentrantLock();

    private volatile boolean cancelled;

    // The current etcd stream; guarded by this. A callback from an older generation is ignored.
    private ClientCallStreamObserver<WatchRequest> stream;
    private int generation;
    private boolean ended;
    /** The revision a resumed stream starts from: one past the last revision received. */
    private long nextRevision;

    EtcdWatch(EtcdWatches owner, String prefix, long fromRevision, WatchListener listener) {
        this.owner = owner;
        this.rpc = owner.rpc();
        this.prefix = prefix;
        this.nextRevision = fromRevision;
        this.listener = listener;
    }

    void start() {
        openStream();
        Thread.ofVirtual().name("wisp-etcd-watch-" + name).start(this::deliverLoop);
    }

    @Override
    public void cancel() {
        cancelled = true;
        stopStream();
        queue.add(WAKE);
        if (!delivery.isHeldByCurrentThread()) {
            delivery.lock(); // waits for a listener call in progress; later ones see the flag
            delivery.unlock();
        }
        owner.ended(this);
    }

    /** Ends the watch with {@code error}, delivered after the events already received. */
    void end(StoreException error) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
        }
        stopStream();
        queue.add(error);
    }

    // ---- the etcd stream ------------------------------------------------------------------------

    private void openStream() {
        int gen;
        long from;
        synchronized (this) {
            if (ended || cancelled) {
                return;
            }
            gen = ++generation;
            from = nextRevision;
        }
        ClientCallStreamObserver<WatchRequest> s;
        try {
            s = (ClientCallStreamObserver<WatchRequest>) rpc.watch().watch(new StreamListener(gen));
            s.onNext(WatchRequest.newBuilder()
                    .setCreateRequest(WatchCreateRequest.newBuilder()
                            .setKey(EtcdKeys.rangeStart(prefix))
                            .setRangeEnd(EtcdKeys.rangeEnd(prefix))
                            .setStartRevision(from)
                            .setPrevKv(true))
                    .build());
        } catch (RuntimeException e) { // the channel was shut down under us
            end(new StoreException("cannot watch on etcd at " + rpc.endpoints() + ": " + e, e));
            return;
        }
        boolean stale;
        synchronized (this) {
            stale = gen != generation;
            if (!stale) {
                stream = s;
            }
        }
        if (stale) {
            s.cancel("watch stopped", null);
        }
    }

    /** Drops the current stream; its late callbacks are ignored. */
    private void stopStream() {
        ClientCallStreamObserver<WatchRequest> s;
        synchronized (this) {
            generation++;
            s = stream;
            stream = null;
        }
        if (s != null) {
            s.cancel("watch stopped", null);
        }
    }

    private void resumeLater(Throwable cause) {
        stopStream();
        synchronized (this) {
            if (ended || cancelled) {
                return;
            }
        }
        LOG.log(
                Level.DEBUG,
                "watch " + name + " lost its etcd stream (" + cause + "); resuming from revision " + nextRevision);
        owner.later(this::openStream, RESUME_DELAY_MILLIS);
    }

    private final class StreamListener implements StreamObserver<WatchResponse> {
        private final int gen;

        StreamListener(int gen) {
            this.gen = gen;
        }

        @Override
        public void onNext(WatchResponse response) {
            long from;
            synchronized (EtcdWatch.this) {
                if (gen != generation) {
                    return;
                }
                from = nextRevision;
                for (Event e : response.getEventsList()) {
                    WatchEvent event = toEvent(e);
                    if (event != null && event.revision() >= nextRevision) {
                        queue.add(event);
                    }
                }
                if (response.getEventsCount() > 0) {
                    long last = response.getEvents(response.getEventsCount() - 1)
                            .getKv()
                            .getModRevision();
                    nextRevision = Math.max(nextRevision, last + 1);
                }
            }
            if (response.getCompactRevision() > 0) {
                end(new CompactedException(from, response.getCompactRevision()));
            } else if (response.getCanceled()) {
                end(new StoreException(
                        "etcd at " + rpc.endpoints() + " cancelled watch " + name + ": " + response.getCancelReason()));
            }
        }

        @Override
        public void onError(Throwable t) {
            synchronized (EtcdWatch.this) {
                if (gen != generation) {
                    return;
                }
            }
            Status status = Status.fromThrowable(t);
            if (isPermanent(status.getCode())) {
                end(new StoreException("watch " + name + " failed on etcd at " + rpc.endpoints() + ": " + status, t));
            } else {
                resumeLater(t);
            }
        }

        @Override
        public void onCompleted() {
            synchronized (EtcdWatch.this) {
                if (gen != generation) {
                    return;
                }
            }
            resumeLater(new StoreException("stream ended by etcd"));
        }
    }

    /**
     * etcd's compaction revision, which it reports to a watch from before it; 0 if it does not
     * answer within the timeout.
     */
    static long compactRevision(EtcdRpc rpc, long from) {
        CompletableFuture<Long> answer = new CompletableFuture<>();
        var s = (ClientCallStreamObserver<WatchRequest>) rpc.watch().watch(new StreamObserver<WatchResponse>() {
            @Override
            public void onNext(WatchResponse r) {
                if (r.getCompactRevision() > 0) {
                    answer.complete(r.getCompactRevision());
                }
            }

            @Override
            public void onError(Throwable t) {
                answer.complete(0L);
            }

            @Override
            public void onCompleted() {
                answer.complete(0L);
            }
        });
        try {
            s.onNext(WatchRequest.newBuilder()
                    .setCreateRequest(WatchCreateRequest.newBuilder()
                            .setKey(EtcdKeys.ZERO)
                            .setStartRevision(from))
                    .build());
            return answer.get(rpc.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (ExecutionException | TimeoutException e) {
            return 0;
        } finally {
            s.cancel("probe done", null);
        }
    }

    private static boolean isPermanent(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT,
                    PERMISSION_DENIED,
                    UNAUTHENTICATED,
                    FAILED_PRECONDITION,
                    OUT_OF_RANGE,
                    UNIMPLEMENTED,
                    NOT_FOUND -> true;
            default -> false;
        };
    }

    private static WatchEvent toEvent(Event e) {
        var prevKv = e.hasPrevKv() ? EtcdKeys.toKeyValue(e.getPrevKv()) : null;
        return switch (e.getType()) {
            case PUT -> new WatchEvent(WatchEvent.Type.PUT, EtcdKeys.toKeyValue(e.getKv()), prevKv);
            case DELETE -> new WatchEvent(WatchEvent.Type.DELETE, EtcdKeys.tombstone(e.getKv()), prevKv);
            default -> null;
        };
    }

    // ---- delivery -------------------------------------------------------------------------------

    private void deliverLoop() {
        try {
            while (!cancelled) {
                Object item = queue.take();
                delivery.lock();
                try {
                    if (cancelled) {
                        return;
                    }
                    if (item instanceof WatchEvent event) {
                        try {
                            listener.onEvent(event);
                        } catch (RuntimeException e) {
                            stopStream();
                            synchronized (this) {
                                ended = true;
                            }
                            listener.onError(
                                    new StoreException("watch " + name + " ended: its listener threw " + e, e));
                            return;
                        }
                    } else if (item instanceof StoreException error) {
                        listener.onError(error);
                        return;
                    }
                } finally {
                    delivery.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            owner.ended(this);
        }
    }
}
