/**
 * The {@link dev.wisp.store.StateStore} contract on a real etcd (v3 API over gRPC): {@link
 * dev.wisp.store.etcd.EtcdStateStore} maps keys, revisions, transactions with compares, watches
 * from a revision (resumed after a broken stream, {@code CompactedException} past compaction) and
 * leases onto etcd, with a deadline on every call. It passes the same contract suite as the
 * embedded store. The seam for cluster mode; {@code wisp up} does not use it yet.
 */
package dev.wisp.store.etcd;
