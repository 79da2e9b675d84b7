package dev.wisp.cli;

import dev.wisp.cluster.NodeRecord;
import dev.wisp.control.ClusterSetup;
import dev.wisp.control.ControlConfig;
import dev.wisp.control.ControlPlane;
import dev.wisp.functions.AddressPolicy;
import dev.wisp.image.Kernel;
import dev.wisp.runtime.RuntimeConfig;
import dev.wisp.runtime.jail.JailConfig;
import dev.wisp.runtime.jail.Privileges;
import dev.wisp.runtime.net.NetworkConfig;
import dev.wisp.store.etcd.EtcdStateStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code wisp up}: the whole platform in this process (state store, control plane API, node,
 * router) on one data directory. Ctrl-C closes it cleanly; starting again on the same directory
 * resumes every service.
 */
@Command(
        name = "up",
        description = "Run the platform here: API, router, node and state store; Ctrl-C stops, a second start resumes.")
final class UpCommand extends OutputCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default: $WISP_HOME/data).")
    Path data;

    @Option(
            names = "--api-port",
            defaultValue = "7070",
            description = "API and dashboard port on --api-host (default: ${DEFAULT-VALUE}).")
    int apiPort;

    @Option(
            names = "--api-host",
            description = "Address the API binds to (default: 127.0.0.1; with --etcd the --advertise address,"
                    + " where the router listens too, so other nodes reach both).")
    String apiHost;

    @Option(names = "--router-port", defaultValue = "8080", description = "Router port (default: ${DEFAULT-VALUE}).")
    int routerPort;

    @Option(
            names = "--stop-on-exit",
            description = "Stop every instance and delete its snapshots at exit, instead of leaving them on standby.")
    boolean stopOnExit;

    @Option(
            names = "--allow-callback-net",
            paramLabel = "CIDR",
            split = ",",
            description = "Let function callback URLs reach this network too (repeatable or comma-separated, e.g. "
                    + "10.20.0.0/16,127.0.0.1/32); by default they reach public addresses only.")
    List<String> allowCallbackNets = new ArrayList<>();

    @Option(
            names = "--etcd",
            paramLabel = "URL",
            split = ",",
            description = "Join a cluster: keep state and elect the leader on this etcd (e.g. "
                    + "http://10.0.0.1:2379,http://10.0.0.2:2379); needs --node and --advertise. docs/cluster.md")
    List<URI> etcd = new ArrayList<>();

    @Option(names = "--node", paramLabel = "NAME", description = "This node's name in the cluster (with --etcd).")
    String nodeName;

    @Option(
            names = "--advertise",
            paramLabel = "ADDR",
            description = "The address other nodes and clients reach this node at (with --etcd).")
    String advertise;

    @Option(
            names = "--lease-ttl",
            paramLabel = "DURATION",
            defaultValue = "3s",
            description = "With --etcd: a node or leader silent this long is lost (default: ${DEFAULT-VALUE}).")
    Duration leaseTtl;

    @Option(
            names = "--no-jail",
            description = "Run VMMs unjailed: as this user, in this process's cgroup, with no limits"
                    + " (needed without root).")
    boolean noJail;

    @Option(
            names = "--network",
            paramLabel = "MODE",
            defaultValue = "auto",
            description = "Guest networking: auto (TAP where root, /dev/net/tun and nft work, else user; the choice"
                    + " is reported), tap (per-VM netns with the egress policy enforced) or user (QEMU's slirp,"
                    + " guests reach nothing) (default: ${DEFAULT-VALUE}; docs/networking.md).")
    String network;

    @Mixin
    HostOptions host;

    @Override
    public Integer call() throws Exception {
        AddressPolicy callbacks;
        try {
            callbacks = AddressPolicy.allowing(allowCallbackNets);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--allow-callback-net: " + e.getMessage());
        }
        if (!noJail && !Privileges.isRoot()) {
            throw new Errors.HostException("cannot jail VMMs: not running as root (a jail needs root to switch"
                    + " uids, mount and make cgroups); run as root, or pass --no-jail to run them unjailed as this"
                    + " user with no limits");
        }
        Kernel kernel = host.kernel();
        Path dir = data != null ? data : host.home().resolve("data");
        RuntimeConfig runtime = host.hostRuntime()
                .withJail(noJail ? JailConfig.OFF : JailConfig.DEFAULT)
                .withNetwork(NetworkConfig.AUTO.withMode(NetworkConfig.Mode.parse(network)));
        ControlConfig config = ControlConfig.of(dir, kernel.vmlinux(), runtime)
                .withPorts(apiPort, routerPort)
                .withApiHost(apiHost != null ? apiHost : etcd.isEmpty() ? "127.0.0.1" : advertise)
                .withStopOnClose(stopOnExit)
                .withCallbackPolicy(callbacks);
        ControlPlane cp = ControlPlane.start(config, cluster());
        ExitHook hook = ExitHook.install(cp::close, "wisp-up-shutdown");
        out().printf("wisp is up (data in %s)%n", dir);
        out().printf("  API:         %s   (dashboard at %s/)%n", cp.apiUrl(), cp.apiUrl());
        out().printf("  router:      %s   (services at http://NAME.localhost:%d/)%n", cp.routerUrl(), cp.routerPort());
        out().printf("  admin token: %s%n", cp.adminTokenFile());
        out().printf("  sign in:     %s   (one-time, 10 min; wisp dashboard for another)%n", cp.signInLink());
        if (!etcd.isEmpty()) {
            out().printf(
                            "  cluster:     node %s at %s on etcd %s (wisp nodes lists the nodes)%n",
                            nodeName,
                            advertise,
                            etcd.stream().map(URI::toString).collect(Collectors.joining(",")));
        }
        out().printf(
                        "  VMMs:        %s%n",
                        noJail
                                ? "NOT jailed (--no-jail): run as this user, no cgroup limits"
                                : "jailed: own uid, namespaces and root, cgroup limits");
        out().printf("  network:     %s%n", cp.networking());
        if (!config.callbackPolicy().allowedNetworks().isEmpty()) {
            out().printf(
                            "  callbacks:   public addresses and %s%n",
                            String.join(", ", config.callbackPolicy().allowedNetworks()));
        }
        out().printf(
                        "  Ctrl-C stops; instances are %s%n",
                        stopOnExit
                                ? "stopped and their snapshots deleted"
                                : "left on standby snapshots for the next start");
        out().flush();
        hook.await();
        return 0;
    }

    /** The cluster to join, or null for the single-host default (the embedded store). */
    private ClusterSetup cluster() {
        if (etcd.isEmpty()) {
            if (nodeName != null || advertise != null) {
                throw new IllegalArgumentException("--node and --advertise need --etcd URL");
            }
            return null;
        }
        if (nodeName == null || advertise == null) {
            throw new IllegalArgumentException("--etcd needs --node NAME and --advertise ADDR");
        }
        NodeRecord.requireName(nodeName);
        return new ClusterSetup(EtcdStateStore.connect(etcd), nodeName, advertise, leaseTtl);
    }
}
