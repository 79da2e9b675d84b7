/**
 * Cluster mode's coordination, over any {@link dev.wisp.store.StateStore} with leases and
 * compare-and-swap (etcd in production, the embedded store in unit tests): {@link
 * dev.wisp.cluster.Membership} keeps each node's lease-backed record and tells ready, draining and
 * lost nodes apart; {@link dev.wisp.cluster.LeaderElection} picks one node for the cluster-wide
 * loops and fences a deposed leader's writes ({@link dev.wisp.cluster.LeaderElection.Term#fenced}).
 * Keys are listed in {@link dev.wisp.cluster.ClusterKeys} and docs/cluster.md.
 */
package dev.wisp.cluster;
