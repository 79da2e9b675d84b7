/**
 * The control plane's durable state behind one interface, {@link dev.wisp.store.StateStore},
 * shaped like etcd's KV + watch + lease API so that an etcd-backed implementation can replace the
 * embedded one without callers noticing. {@code StateStoreContract} (test sources) is the
 * behaviour every implementation must pass.
 *
 * <h2>etcd mapping</h2>
 * <pre>
 *   get / range(prefix)          Range (prefix = [key, key+1)), response header revision
 *   txn(compares, then, else)    Txn with Compare on MOD/CREATE revision or VERSION, equality only
 *   put / delete                 Put / DeleteRange of one key
 *   watch(prefix, from, l)       Watch with prev_kv, start_revision (0 = from now)
 *   compact(rev)                 Compact
 *   grantLease / keepAlive /     LeaseGrant / LeaseKeepAlive (one round) / LeaseRevoke
 *   revokeLease
 * </pre>
 *
 * <h2>The embedded store</h2>
 * <pre>
 *   callers ──Request──▶ queue ──▶ writer thread (CommitLoop)
 *                                   1. decide each request against the working state
 *                                   2. append all their records to wal-N.log, one fsync
 *                                   3. apply to the committed state (readers, history), wake watches
 *                                   4. acknowledge the callers
 *                                   5. log too big? start wal-N+1, snapshot in background → snap-N+1,
 *                                      then delete wal-≤N and older snapshots
 * </pre>
 * A write is acknowledged, and visible to anyone, only after it is on disk, so neither a crash
 * nor a reader can observe a write that may be lost. Opening locks {@code dir/LOCK}, loads the
 * newest snapshot and replays the later log segments; a torn record at the very end of the log
 * (a crash mid-append: never acknowledged) is cut off, any other damage refuses to open. Lease
 * deadlines are wall-clock instants in the log, so expiry continues across restarts; expiry is a
 * logged write like any other, so replay never consults a clock. An append that fails (ENOSPC,
 * possibly mid-record) cuts the segment back to its last whole record and refuses the batch
 * ({@link dev.wisp.store.StoreFullException} for a full disk); the next write tries again, and
 * {@link dev.wisp.store.StateStore#writeFailure()} reports the failure until writes succeed.
 */
package dev.wisp.store;
