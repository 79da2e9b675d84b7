package dev.wisp.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A {@link StateStore} that counts and times what passes through it, on a Micrometer registry;
 * behaviour is the wrapped store's. Series:
 * <ul>
 *   <li>{@code wisp_store_requests_seconds{op}} (histogram): every call by operation (get, range,
 *       txn, delete, compact, watch, lease_grant, lease_keepalive, lease_revoke);</li>
 *   <li>{@code wisp_store_commit_seconds} (histogram): writes (txn, delete) from call until
 *       committed, which for the embedded store means written to its log and synced;</li>
 *   <li>{@code wisp_store_puts_total}, {@code wisp_store_deletes_total}: keys written and deleted
 *       by committed transactions; {@code wisp_store_txn_failed_compares_total}: transactions whose
 *       compares failed (their else branch ran);</li>
 *   <li>{@code wisp_store_watch_events_total{type}}: events delivered to watchers (put, delete);</li>
 *   <li>{@code wisp_store_errors_total{op}}: calls that threw.</li>
 * </ul>
 */
public final class MeteredStateStore extends ForwardingStateStore {
    /** The operations timed, as the {@code op} label spells them. */
    enum Operation {
        GET,
        RANGE,
        TXN,
        DELETE,
        COMPACT,
        WATCH,
        LEASE_GRANT,
        LEASE_KEEPALIVE,
        LEASE_REVOKE
    }

    private final MeterRegistry registry;
    private final Map<Operation, Timer> timers = new EnumMap<>(Operation.class);
    private final Timer commit;
    private final Counter puts;
    private final Counter deletes;
    private final Counter failedCompares;
    private final Counter watchPuts;
    private final Counter watchDeletes;

    /** Wraps {@code store}; closing the wrapper closes it. */
    public MeteredStateStore(StateStore store, MeterRegistry registry) {
        super(store);
        this.registry = registry;
        for (Operation op : Operation.values()) {
            timers.put(
                    op,
                    Timer.builder("wisp.store.requests")
                            .tag("op", label(op))
                            .description("State store calls by operation")
                            .publishPercentileHistogram()
                            .register(registry));
        }
        commit = Timer.builder("wisp.store.commit")
                .description("State store writes until committed (durable)")
                .publishPercentileHistogram()
                .register(registry);
        puts = Counter.builder("wisp.store.puts")
                .description("Keys written by committed transactions")
                .register(registry);
        deletes = Counter.builder("wisp.store.deletes")
                .description("Delete operations committed")
                .register(registry);
        failedCompares = Counter.builder("wisp.store.txn.failed.compares")
                .description("Transactions whose compares failed")
                .register(registry);
        watchPuts = Counter.builder("wisp.store.watch.events")
                .tag("type", "put")
                .description("Events delivered to watchers")
                .register(registry);
        watchDeletes = Counter.builder("wisp.store.watch.events")
                .tag("type", "delete")
                .description("Events delivered to watchers")
                .register(registry);
    }

    private static String label(Operation op) {
        return op.name().toLowerCase(Locale.ROOT);
    }

    private void timed(Operation op, Runnable call) {
        timed(op, () -> {
            call.run();
            return null;
        });
    }

    private <T> T timed(Operation op, Supplier<T> call) {
        long t0 = System.nanoTime();
        try {
            return call.get();
        } catch (RuntimeException e) {
            Counter.builder("wisp.store.errors")
                    .tag("op", label(op))
                    .description("State store calls that threw")
                    .register(registry)
                    .increment();
            throw e;
        } finally {
            long took = System.nanoTime() - t0;
            timers.get(op).record(Duration.ofNanos(took));
            if (op == Operation.TXN || op == Operation.DELETE) {
                commit.record(Duration.ofNanos(took));
            }
        }
    }

    @Override
    public Optional<KeyValue> get(String key) {
        return timed(Operation.GET, () -> delegate().get(key));
    }

    @Override
    public RangeResult range(String prefix) {
        return timed(Operation.RANGE, () -> delegate().range(prefix));
    }

    @Override
    public TxnResult txn(List<Compare> compares, List<Op> then, List<Op> otherwise) {
        TxnResult r = timed(Operation.TXN, () -> delegate().txn(compares, then, otherwise));
        if (!r.succeeded()) {
            failedCompares.increment();
        }
        for (Op op : r.succeeded() ? then : otherwise) {
            if (op instanceof Op.Put) {
                puts.increment();
            } else {
                deletes.increment();
            }
        }
        return r;
    }

    @Override
    public boolean delete(String key) {
        boolean deleted = timed(Operation.DELETE, () -> delegate().delete(key));
        if (deleted) {
            deletes.increment();
        }
        return deleted;
    }

    @Override
    public void compact(long revision) {
        timed(Operation.COMPACT, () -> delegate().compact(revision));
    }

    @Override
    public Watch watch(String prefix, long fromRevision, WatchListener listener) {
        WatchListener counting = new WatchListener() {
            @Override
            public void onEvent(WatchEvent event) {
                (event.type() == WatchEvent.Type.PUT ? watchPuts : watchDeletes).increment();
                listener.onEvent(event);
            }

            @Override
            public void onError(StoreException error) {
                listener.onError(error);
            }
        };
        return timed(Operation.WATCH, () -> delegate().watch(prefix, fromRevision, counting));
    }

    @Override
    public long grantLease(Duration ttl) {
        return timed(Operation.LEASE_GRANT, () -> delegate().grantLease(ttl));
    }

    @Override
    public void keepAlive(long leaseId) {
        timed(Operation.LEASE_KEEPALIVE, () -> delegate().keepAlive(leaseId));
    }

    @Override
    public boolean revokeLease(long leaseId) {
        return timed(Operation.LEASE_REVOKE, () -> delegate().revokeLease(leaseId));
    }
}
