package dev.wisp.runtime.net;

import dev.wisp.runtime.VmException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TAP networking (docs/networking.md). Each VMM slot gets a network namespace
 * {@code wisp-<pid>-<slot>} holding a TAP {@code tap0} ({@value #GATEWAY}/24) for the guest,
 * which is {@value #GUEST_ADDRESS} in every namespace (so snapshots and clones need no
 * re-addressing, and the guest's init is the same as on user networking), and the inner end of a
 * veth pair whose outer end {@code wv<slot>} sits on the host; slot {@code n}'s /30 of the range
 * gives the host side {@code .1} and the namespace side {@code .2}. The host reaches the guest at
 * {@code .2:guestPort}, which the namespace DNATs to the guest: the router needs no route into
 * the guest subnet, which is the same everywhere. The guest's own connections are masqueraded
 * twice (namespace, then host) and filtered by {@link HostFirewall}.
 */
final class TapNetworking implements Networking {
    private static final System.Logger LOG = System.getLogger(TapNetworking.class.getName());
    static final String GUEST_ADDRESS = "10.0.2.15";
    static final String GATEWAY = "10.0.2.2";
    private static final Path LOCK = Path.of("/run/wisp-net.lock");
    /**
     * A file lock guards against other processes only (a second one in this JVM throws): threads
     * here (an instance and a pool refill, say) take this first.
     */
    private static final ReentrantLock IN_PROCESS = new ReentrantLock();

    private static final Pattern VETH =
            Pattern.compile("^\\d+: (" + HostFirewall.VETH_PREFIX + "[0-9a-f]{4})[@:]", Pattern.MULTILINE);
    private static final Pattern NAMESPACE = Pattern.compile("^wisp-(\\d+)-([0-9a-f]{4})\\b", Pattern.MULTILINE);
    private static final Pattern TABLE = Pattern.compile("^table inet wisp-(\\d+)$", Pattern.MULTILINE);

    private final Ipv4Range range;
    /** Where guests' DNS queries to {@link GuestDns#GUEST_RESOLVER} go, or null: no guest DNS. */
    private final String dns;

    private final long owner;
    private final HostFirewall firewall;
    private final Map<String, TapSlot> slots = new ConcurrentHashMap<>();
    private final ReadySlots ready;
    /** Set by close, under {@link #IN_PROCESS}: a pool refill racing a close makes no slot after it. */
    private volatile boolean closed;

    private TapNetworking(Ipv4Range range, String dns, long owner, int readySlots) {
        this.range = range;
        this.dns = dns;
        this.owner = owner;
        this.firewall = new HostFirewall(owner, range, dns);
        this.ready = new ReadySlots(readySlots, this::makeAhead);
    }

    /** As {@link #open(Ipv4Range, String, int)} with no slots made ahead. */
    static TapNetworking open(Ipv4Range range, String dns) {
        return open(range, dns, 0);
    }

    /**
     * Sweeps what dead platforms left, turns on forwarding, makes this platform's table, and
     * starts making {@code readySlots} slots ahead in the background.
     */
    static TapNetworking open(Ipv4Range range, String dns, int readySlots) {
        TapNetworking net =
                new TapNetworking(range, dns, ProcessHandle.current().pid(), readySlots);
        try {
            sweep();
            NetCommands.sh("echo 1 > /proc/sys/net/ipv4/ip_forward");
            NetCommands.nft(net.firewall.create());
        } catch (IOException e) {
            throw new VmException("cannot set up TAP networking: " + e.getMessage(), e);
        }
        LOG.log(System.Logger.Level.INFO, "guest networking: {0}", net.describe());
        net.ready.fill(0);
        return net;
    }

    /** Removes namespaces and tables of platforms that are gone (a crash, kill -9). */
    static void sweep() throws IOException {
        String namespaces = NetCommands.run(List.of("ip", "netns", "list"), "");
        Matcher m = NAMESPACE.matcher(namespaces);
        while (m.find()) {
            if (!alive(Long.parseLong(m.group(1)))) {
                NetCommands.quietly(List.of("ip", "link", "del", HostFirewall.VETH_PREFIX + m.group(2)));
                NetCommands.quietly(List.of("ip", "netns", "del", m.group()));
            }
        }
        Matcher t = TABLE.matcher(NetCommands.run(List.of("nft", "list", "tables"), ""));
        while (t.find()) {
            if (!alive(Long.parseLong(t.group(1)))) {
                NetCommands.quietly(List.of("nft", "delete", "table", "inet", "wisp-" + t.group(1)));
            }
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Override
    public NetSlot acquire(String name, int guestPort) {
        TapSlot made;
        IN_PROCESS.lock();
        try {
            if (closed) {
                throw new VmException("cannot make the network of VMM " + name + ": the runtime is closing");
            }
            // A slot made ahead has no port of its own (its namespace forwards any): the VM's is just noted.
            int slot = ready.take();
            made = new TapSlot(this, slot >= 0 ? slot : makeLocked(), guestPort);
            slots.put(namespaceOf(made.slot()), made);
        } catch (IOException e) {
            throw new VmException("cannot make the network of VMM " + name + ": " + e.getMessage(), e);
        } finally {
            IN_PROCESS.unlock();
        }
        return made;
    }

    /** One slot made ahead (the pool's {@link ReadySlots.Maker}), or -1 once closing. */
    private int makeAhead() throws IOException {
        IN_PROCESS.lock();
        try {
            return closed ? -1 : makeLocked();
        } finally {
            IN_PROCESS.unlock();
        }
    }

    /** Picks and makes a slot; under {@link #IN_PROCESS}. */
    private int makeLocked() throws IOException {
        // Slots are host-wide (two platforms on one host share the range): pick and claim under a file lock.
        try (FileChannel ch = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = ch.lock()) {
            int slot = freeSlot();
            createSlot(slot, namespaceOf(slot));
            return slot;
        }
    }

    /** The network namespace of a slot: this platform's, so two platforms on one host never collide. */
    String namespaceOf(int slot) {
        return "wisp-" + owner + "-" + hex(slot);
    }

    private int freeSlot() throws IOException {
        Set<String> used = new HashSet<>();
        Matcher m = VETH.matcher(NetCommands.run(List.of("ip", "-o", "link", "show"), ""));
        while (m.find()) {
            used.add(m.group(1));
        }
        for (int i = 0; i < range.slots(); i++) {
            if (!used.contains(veth(i))) {
                return i;
            }
        }
        throw new IOException("all " + range.slots() + " VM networks of " + range + " are in use: widen the range");
    }

    /**
     * Namespace, veth pair, TAP, addresses and rules of one slot: four spawns of {@code ip} and
     * {@code nft} in batches, not one per step.
     */
    private void createSlot(int slot, String namespace) throws IOException {
        String veth = veth(slot);
        try {
            NetCommands.ipBatch(
                    null,
                    "netns add " + namespace,
                    "link add " + veth + " type veth peer name eth0 netns " + namespace,
                    "addr add " + range.hostSide(slot) + "/30 dev " + veth,
                    "link set " + veth + " up");
            NetCommands.ipBatch(
                    namespace,
                    "link set lo up",
                    "addr add " + range.namespaceSide(slot) + "/30 dev eth0",
                    "link set eth0 up",
                    "route add default via " + range.hostSide(slot),
                    "tuntap add dev " + NetSlot.TAP + " mode tap",
                    "addr add " + GATEWAY + "/24 dev " + NetSlot.TAP,
                    // The guest's resolver must answer ARP on its subnet; its queries are DNATed out.
                    dns == null ? "" : "addr add " + GuestDns.GUEST_RESOLVER + "/24 dev " + NetSlot.TAP,
                    "link set " + NetSlot.TAP + " up");
            NetCommands.shIn(
                    namespace,
                    String.join(
                            "\n",
                            "echo 1 > /proc/sys/net/ipv4/ip_forward",
                            "nft -f - <<'EOF'",
                            HostFirewall.namespaceRules(dns) + "EOF"));
            NetCommands.nft(firewall.addVm(veth));
        } catch (IOException e) {
            remove(slot, namespace);
            throw e;
        }
    }

    void applyPolicy(TapSlot s, Egress egress) {
        try {
            NetCommands.nft(firewall.policy(veth(s.slot()), egress));
        } catch (IOException e) {
            throw new VmException(
                    "cannot apply egress '" + egress + "' to " + s.namespace().orElse("?") + ": " + e.getMessage(), e);
        }
    }

    /** Takes a released slot down in the background; it counts as held until it is gone. */
    void release(TapSlot s) {
        String namespace = namespaceOf(s.slot());
        ready.remove(() -> {
            remove(s.slot(), namespace);
            slots.remove(namespace);
        });
    }

    private void remove(int slot, String namespace) {
        try {
            NetCommands.nft(firewall.removeVm(veth(slot)));
        } catch (IOException e) {
            // never added, or the table is gone
        }
        // The veth first: deleting a namespace frees its devices asynchronously, and the slot may be taken again at
        // once.
        try {
            NetCommands.ipBatch(null, "link del " + veth(slot), "netns del " + namespace);
        } catch (IOException e) {
            // partly gone already: the batch goes on past a failed line
        }
    }

    String hostAddress(int slot) {
        return range.namespaceSide(slot);
    }

    static String veth(int slot) {
        return HostFirewall.VETH_PREFIX + hex(slot);
    }

    private static String hex(int slot) {
        return String.format("%04x", slot);
    }

    @Override
    public String describe() {
        return "tap (per-VM netns, " + ready.capacity() + " made ahead, nftables table inet " + firewall.table()
                + ", VMs in " + range + ", "
                + (dns == null ? "no guest DNS: the host has no IPv4 resolver off loopback" : "guest DNS via " + dns)
                + ")";
    }

    @Override
    public int held() {
        return slots.size();
    }

    @Override
    public int ready() {
        return ready.size();
    }

    @Override
    public boolean settled() {
        return ready.settled();
    }

    @Override
    public void close() {
        IN_PROCESS.lock();
        try {
            closed = true;
        } finally {
            IN_PROCESS.unlock();
        }
        // Removals queued before the close finish first; what is left is removed here.
        for (int slot : ready.close()) {
            remove(slot, namespaceOf(slot));
        }
        for (TapSlot s : List.copyOf(slots.values())) {
            remove(s.slot(), namespaceOf(s.slot()));
            slots.remove(namespaceOf(s.slot()));
        }
        NetCommands.quietly(List.of("nft", "delete", "table", "inet", firewall.table()));
    }
}
