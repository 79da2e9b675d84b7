package dev.wisp.store.etcd;

import dev.wisp.store.StoreClosedException;
import dev.wisp.store.StoreException;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.WatchGrpc;
import io.grpc.EquivalentAddressGroup;
import io.grpc.ManagedChannel;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The gRPC connection to etcd and the one way requests are made on it: each with a deadline,
 * waiting at most that long (also while the connection is re-established), with failures turned
 * into {@link StoreException}s that name the endpoints.
 */
final class EtcdRpc implements AutoCloseable {

    /** Returned by an error handler to mean "not an error": the call returns null. */
    static final RuntimeException IGNORE = new RuntimeException("ignored", null, false, false) {
        private static final long serialVersionUID = 1L;
    };

    private static final int MAX_ANSWER_BYTES = 16 * 1024 * 1024;

    private final List<URI> endpoints;
    private final Duration timeout;
    private final ManagedChannel channel;
    private final AtomicBoolean closed = new AtomicBoolean();

    EtcdRpc(List<URI> endpoints, Duration timeout) {
        this.endpoints = endpoints;
        this.timeout = timeout;
        Set<String> schemes = new java.util.HashSet<>();
        List<EquivalentAddressGroup> addresses = endpoints.stream()
                .map(u -> {
                    if (u.getHost() == null || u.getPort() < 0) {
                        throw new IllegalArgumentException("etcd endpoint must look like http://host:port, was " + u);
                    }
                    schemes.add(String.valueOf(u.getScheme()));
                    return new EquivalentAddressGroup(new InetSocketAddress(u.getHost(), u.getPort()));
                })
                .toList();
        if (!Set.of("http").containsAll(schemes) && !Set.of("https").containsAll(schemes)) {
            throw new IllegalArgumentException("etcd endpoints must all be http:// or all https://, were " + endpoints);
        }
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget("wisp-etcd:///")
                .nameResolverFactory(new FixedAddresses(addresses))
                .maxInboundMessageSize(MAX_ANSWER_BYTES);
        this.channel = (schemes.contains("https") ? builder.useTransportSecurity() : builder.usePlaintext()).build();
    }

    List<URI> endpoints() {
        return endpoints;
    }

    Duration timeout() {
        return timeout;
    }

    int maxAnswerBytes() {
        return MAX_ANSWER_BYTES;
    }

    KVGrpc.KVFutureStub kv() {
        return KVGrpc.newFutureStub(channel)
                .withWaitForReady()
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    LeaseGrpc.LeaseFutureStub lease() {
        return LeaseGrpc.newFutureStub(channel)
                .withWaitForReady()
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    LeaseGrpc.LeaseStub leaseStream() {
        return LeaseGrpc.newStub(channel)
                .withWaitForReady()
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Watch streams live as long as the watch: no deadline. */
    WatchGrpc.WatchStub watch() {
        return WatchGrpc.newStub(channel).withWaitForReady();
    }

    boolean isClosed() {
        return closed.get();
    }

    void ensureOpen() {
        if (closed.get()) {
            throw closedException();
        }
    }

    StoreClosedException closedException() {
        return new StoreClosedException("state store on etcd at " + endpoints + " is closed");
    }

    <T> T call(String what, Supplier<? extends java.util.concurrent.Future<T>> request) {
        return call(what, request, s -> null);
    }

    /**
     * Runs one request and waits for it; the gRPC deadline ends it, the extra second only covers a
     * busy machine. {@code special} may turn a failure status into the exception to throw, into
     * {@link #IGNORE} (the call returns null), or leave it to the generic translation (null).
     */
    <T> T call(
            String what,
            Supplier<? extends java.util.concurrent.Future<T>> request,
            Function<Status, RuntimeException> special) {
        ensureOpen();
        java.util.concurrent.Future<T> future = request.get();
        try {
            return future.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            ensureOpen();
            throw deadline(what);
        } catch (ExecutionException e) {
            RuntimeException t = translate(what, e.getCause(), special);
            if (t == IGNORE) {
                return null;
            }
            throw t;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new StoreException("interrupted waiting for etcd at " + endpoints + " to answer " + what, e);
        }
    }

    RuntimeException translate(String what, Throwable t, Function<Status, RuntimeException> special) {
        if (closed.get()) {
            return closedException();
        }
        Status status = Status.fromThrowable(t);
        RuntimeException mapped = special.apply(status);
        if (mapped != null) {
            return mapped;
        }
        return switch (status.getCode()) {
            case DEADLINE_EXCEEDED -> deadline(what);
            case UNAVAILABLE ->
                new StoreException(
                        "etcd at " + endpoints + " is unreachable: " + what + " failed: " + status.getDescription(), t);
            default ->
                new StoreException(
                        "etcd at " + endpoints + " failed to " + what + ": " + status.getCode() + ": "
                                + status.getDescription(),
                        t);
        };
    }

    private StoreException deadline(String what) {
        return new StoreException("etcd at " + endpoints + " did not answer " + what + " within " + timeout.toMillis()
                + " ms (a write may or may not have been applied)");
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            channel.shutdownNow();
        }
    }

    /** Resolves to the configured endpoints, so one channel fails over between them. */
    private static final class FixedAddresses extends NameResolver.Factory {
        private final List<EquivalentAddressGroup> addresses;

        FixedAddresses(List<EquivalentAddressGroup> addresses) {
            this.addresses = addresses;
        }

        @Override
        public NameResolver newNameResolver(URI target, NameResolver.Args args) {
            return new NameResolver() {
                @Override
                public String getServiceAuthority() {
                    return "etcd";
                }

                @Override
                public void start(Listener2 listener) {
                    listener.onResult(ResolutionResult.newBuilder()
                            .setAddresses(addresses)
                            .build());
                }

                @Override
                public void shutdown() {}
            };
        }

        @Override
        public String getDefaultScheme() {
            return "wisp-etcd";
        }
    }
}
