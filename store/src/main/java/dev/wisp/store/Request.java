package dev.wisp.store;

import dev.wisp.store.WalRecord.WalOp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A write waiting for the {@link CommitLoop}. {@link #propose} runs on the writer thread against
 * the working state (which includes every earlier write, acknowledged or not), so writes are
 * decided in exactly the order they are logged. It validates first and only then emits records;
 * the loop applies each emitted record to the working state at once.
 */
final class Request {

    /** Decides a write; returns what the caller gets once the emitted records are durable. */
    @FunctionalInterface
    interface Proposal {
        Object propose(KvState working, long nowMillis, Consumer<WalRecord> emit);
    }

    final CompletableFuture<Object> done = new CompletableFuture<>();
    private final Proposal proposal;
    private final boolean stop;

    private Request(Proposal proposal, boolean stop) {
        this.proposal = proposal;
        this.stop = stop;
    }

    private Request(Proposal proposal) {
        this(proposal, false);
    }

    Object propose(KvState working, long nowMillis, Consumer<WalRecord> emit) {
        return proposal.propose(working, nowMillis, emit);
    }

    /** Whether the loop finishes after this request. */
    boolean isStop() {
        return stop;
    }

    static Request txn(List<Compare> compares, List<Op> then, List<Op> otherwise) {
        return new Request((working, nowMillis, emit) -> {
            boolean ok = compares.stream().allMatch(c -> c.matches(working.get(c.key())));
            List<WalOp> ops = new ArrayList<>();
            for (Op op : ok ? then : otherwise) {
                switch (op) {
                    case Op.Put p -> {
                        if (p.lease() != StateStore.NO_LEASE) {
                            requireLiveLease(working, p.lease(), nowMillis);
                        }
                        ops.add(new WalOp.Put(p.key(), p.rawValue(), p.lease()));
                    }
                    case Op.Delete d -> {
                        if (working.get(d.key()) != null) {
                            ops.add(new WalOp.Delete(d.key()));
                        }
                    }
                }
            }
            if (ops.isEmpty()) {
                return new TxnResult(ok, working.revision());
            }
            long revision = working.revision() + 1;
            emit.accept(new WalRecord(revision, ops));
            return new TxnResult(ok, revision);
        });
    }

    static Request delete(String key) {
        return new Request((working, nowMillis, emit) -> {
            if (working.get(key) == null) {
                return false;
            }
            emit.accept(new WalRecord(working.revision() + 1, List.of(new WalOp.Delete(key))));
            return true;
        });
    }

    static Request grant(long ttlMillis) {
        return new Request((working, nowMillis, emit) -> {
            long id = working.nextLeaseId();
            emit.accept(new WalRecord(0, List.of(new WalOp.Grant(id, ttlMillis, nowMillis + ttlMillis))));
            return id;
        });
    }

    static Request keepAlive(long id) {
        return new Request((working, nowMillis, emit) -> {
            LeaseEntry lease = requireLiveLease(working, id, nowMillis);
            // Persisted, so that a restart keeps the extended deadline rather than an older one.
            emit.accept(new WalRecord(0, List.of(new WalOp.KeepAlive(id, nowMillis + lease.ttlMillis))));
            return id;
        });
    }

    static Request revoke(long id) {
        return new Request((working, nowMillis, emit) -> {
            LeaseEntry lease = working.lease(id);
            if (lease == null) {
                return false;
            }
            emit.accept(revocation(working, lease));
            return true;
        });
    }

    /** Revokes every lease whose deadline has passed, each at its own revision (as etcd does). */
    static Request expireDue() {
        return new Request((working, nowMillis, emit) -> {
            List<LeaseEntry> due = working.leases().stream()
                    .filter(l -> l.deadlineMillis <= nowMillis)
                    .sorted(Comparator.comparingLong(l -> l.id))
                    .toList();
            for (LeaseEntry lease : due) {
                emit.accept(revocation(working, lease));
            }
            return due.size();
        });
    }

    /** Writes an empty record: whether the log takes writes again after one failed. */
    static Request probe() {
        return new Request((working, nowMillis, emit) -> {
            emit.accept(new WalRecord(0, List.of()));
            return null;
        });
    }

    /** Tells the loop to finish: everything queued before it is still written. */
    static Request stop() {
        return new Request((working, nowMillis, emit) -> null, true);
    }

    private static WalRecord revocation(KvState working, LeaseEntry lease) {
        long revision = lease.keys.isEmpty() ? 0 : working.revision() + 1;
        return new WalRecord(revision, List.of(new WalOp.Revoke(lease.id)));
    }

    /** A lease past its deadline is dead even before the timer revokes it, as in etcd. */
    private static LeaseEntry requireLiveLease(KvState working, long id, long nowMillis) {
        LeaseEntry lease = working.lease(id);
        if (lease == null || lease.deadlineMillis <= nowMillis) {
            throw new LeaseNotFoundException(id);
        }
        return lease;
    }
}
