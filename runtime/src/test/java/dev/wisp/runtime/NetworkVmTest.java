package dev.wisp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.wisp.common.WispHome;
import dev.wisp.image.Image;
import dev.wisp.image.ImageStore;
import dev.wisp.runtime.jail.JailConfig;
import dev.wisp.runtime.jail.Privileges;
import dev.wisp.runtime.net.Egress;
import dev.wisp.runtime.net.NetworkConfig;
import dev.wisp.runtime.net.OwnNamespaces;
import dev.wisp.testing.Await;
import dev.wisp.testing.HttpdApp;
import dev.wisp.testing.VmTests;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jailed guests on TAP with real nftables: what each egress policy lets a guest reach. "The
 * internet" is a namespace this test makes (198.51.100.2, with 169.254.169.254 on it too, routed
 * from the host), so nothing leaves the machine; dnsmasq there is the guests' DNS resolver. The
 * guest tries destinations through a CGI that runs busybox nc, and names through one that runs
 * busybox nslookup against its own /etc/resolv.conf.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(VmTests.class)
class NetworkVmTest {
    private static final String INTERNET_NS = "wtest-inet";
    private static final String INTERNET = "198.51.100.2";
    private static final String METADATA = "169.254.169.254";
    /** A second address of the test's resolver, for UDP allow-list entries (not the guests' resolver). */
    private static final String UDP_RESOLVER = "192.0.2.53";
    /** busybox nc, not wget: Debian's static busybox wget crashes with -T. */
    private static final String TRY = HttpdApp.CGI_TEXT + """
            t="$QUERY_STRING"
            if out=$(printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 "${t%:*}" "${t#*:}" 2>&1) && [ -n "$out" ]; then
              echo "reached $(echo "$out" | tail -n 1)"
            else
              echo "blocked: $(echo "$out" | head -n 1)"
            fi
            """;

    /** A name only the test's resolver knows, and its address. */
    private static final String NAME = "vm-dns.wisp.test";

    private static final String NAME_ADDRESS = "203.0.113.7";

    /** {@code ?NAME} asks the guest's resolver (10.0.2.3), {@code ?NAME@SERVER} that server (UDP). */
    private static final String LOOKUP = HttpdApp.CGI_TEXT + """
            # Not its exit status: the test resolver refuses the AAAA half of the lookup.
            q="$QUERY_STRING"
            server=""
            case "$q" in *@*) server="${q#*@}" ;; esac
            out=$(nslookup "${q%@*}" $server 2>&1)
            a=$(echo "$out" | sed -n '/^Name:/,$s/^Address:[[:space:]]*//p' | head -n 1)
            if [ -n "$a" ]; then
              echo "resolved $a"
            else
              echo "refused: $(echo "$out" | tail -n 1)"
            fi
            """;

    @TempDir
    static Path scratch;

    private final Map<String, Egress> egress = new ConcurrentHashMap<>();
    private final List<Process> servers = new ArrayList<>();
    private VmRuntime runtime;
    private VmSpec spec;
    private HttpServer hostAny;
    private HttpServer hostLoopback;

    @BeforeAll
    void start() throws Exception {
        assertThat(Privileges.isRoot()).as("TAP networking and jails need root").isTrue();
        Image image = HttpdApp.in(scratch.resolve("net"))
                .cgi("try", TRY)
                .cgi("lookup", LOOKUP)
                .build(HttpdApp.ENTRYPOINT, new ImageStore(WispHome.resolve()));
        spec = TestGuests.spec(image);
        runtime = VmRuntime.start(
                TestGuests.config().withJail(JailConfig.DEFAULT).withNetwork(NetworkConfig.TAP.withDns(INTERNET)),
                VmTests.kernel().vmlinux());
        runtime.egress(id -> egress.getOrDefault(id, Egress.NONE));
        // Stand-ins for the host's own services: the API, admin port and router listen on all addresses or loopback.
        hostAny = server(new InetSocketAddress(0));
        hostLoopback = server(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        makeInternet();
    }

    @AfterAll
    void stop() throws IOException {
        servers.forEach(Process::destroyForcibly);
        sh("ip netns del " + INTERNET_NS + " 2>/dev/null || true\nip link del wtinet 2>/dev/null || true\n"
                + "ip route del " + METADATA + "/32 2>/dev/null || true\n"
                + "ip route del " + UDP_RESOLVER + "/32 2>/dev/null || true");
        if (hostAny != null) {
            hostAny.stop(0);
            hostLoopback.stop(0);
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void internetGuest_reachesTheInternetButNotHostMetadataOrAnotherVm() throws Exception {
        egress.put("net-inet", Egress.INTERNET);
        Instance other = runtime.boot("net-other", spec);
        Instance vm = runtime.boot("net-inet", spec);
        try {
            assertThat(vm.address()).startsWith("10.200.");
            assertThat(TestGuests.get(vm.address(), vm.hostPort(), "/")).isEqualTo("200 hello from a test guest");
            assertThat(tryFrom(vm, INTERNET + ":80")).isEqualTo("reached internet-ok");
            assertThat(lookupFrom(vm, NAME)).isEqualTo("resolved " + NAME_ADDRESS);

            int any = hostAny.getAddress().getPort();
            List<String> forbidden = new ArrayList<>();
            for (String own : hostAddresses()) {
                forbidden.add(own + ":" + any);
            }
            forbidden.add(vethHostSide(vm) + ":" + any);
            forbidden.add("10.0.2.2:" + any);
            forbidden.add("127.0.0.1:" + hostLoopback.getAddress().getPort());
            forbidden.add(METADATA + ":80");
            forbidden.add(other.address() + ":" + other.hostPort());
            for (String target : forbidden) {
                assertThat(tryFrom(vm, target)).as(target).startsWith("blocked");
            }
            // The same targets answer the host: only the guest is kept out.
            assertThat(TestGuests.get(other.address(), other.hostPort(), "/")).startsWith("200");
            assertThat(TestGuests.get("127.0.0.1", any, "/")).isEqualTo("200 host");
        } finally {
            vm.stop();
            other.stop();
        }
        // The stopped VMs' namespaces are gone (taken down in the background): what is left belongs to idle pooled
        // VMMs and to the networks made ahead.
        Await.until(
                Duration.ofSeconds(60),
                "the VMM pool and the networks made ahead to settle",
                () -> runtime.pool().settled() && runtime.network().settled());
        assertThat(OwnNamespaces.list().size())
                .isEqualTo(runtime.network().held() + runtime.network().ready());
        assertThat(runtime.network().held()).isEqualTo(runtime.pool().idleCount());
    }

    @Test
    void slotMadeAhead_guestReachesOnlyWhatItsPolicyAllows_andItsNamespaceGoesAtStop() throws Exception {
        Await.until(
                Duration.ofSeconds(60),
                "a network made ahead",
                () -> runtime.network().ready() > 0);
        List<String> before = OwnNamespaces.list();
        egress.put("net-ahead", Egress.parse(INTERNET + ":8081"));
        Instance vm = runtime.boot("net-ahead", spec);
        String namespace;
        try {
            namespace = vethNamespace(vm);
            assertThat(before).as("the VM's namespace was one made ahead").contains(namespace);
            assertThat(TestGuests.get(vm.address(), vm.hostPort(), "/")).isEqualTo("200 hello from a test guest");
            assertThat(tryFrom(vm, INTERNET + ":8081")).isEqualTo("reached internet-ok");
            assertThat(tryFrom(vm, INTERNET + ":80")).startsWith("blocked");
            assertThat(tryFrom(vm, METADATA + ":8081")).startsWith("blocked");
        } finally {
            vm.stop();
        }
        Await.until(
                Duration.ofSeconds(60),
                "the stopped VM's namespace to be gone",
                () -> !OwnNamespaces.list().contains(namespace));
    }

    /** The namespace whose veth has the VM's address. */
    private static String vethNamespace(Instance vm) throws IOException {
        for (String ns : OwnNamespaces.list()) {
            if (sh("ip -n " + ns + " -o addr show dev eth0").contains(" " + vm.address() + "/")) {
                return ns;
            }
        }
        throw new AssertionError("no namespace has " + vm.address());
    }

    @Test
    void noneGuest_reachesNothing_allowListGuest_onlyWhatIsListed() {
        egress.put("net-allow", Egress.parse(INTERNET + ":8081"));
        Instance none = runtime.boot("net-none", spec);
        Instance allow = runtime.boot("net-allow", spec);
        try {
            assertThat(tryFrom(none, INTERNET + ":80")).startsWith("blocked");
            assertThat(tryFrom(none, INTERNET + ":8081")).startsWith("blocked");
            assertThat(lookupFrom(none, NAME)).startsWith("refused");
            assertThat(tryFrom(allow, INTERNET + ":8081")).isEqualTo("reached internet-ok");
            assertThat(tryFrom(allow, INTERNET + ":80")).startsWith("blocked");
            assertThat(tryFrom(allow, METADATA + ":8081")).startsWith("blocked");
        } finally {
            none.stop();
            allow.stop();
        }
    }

    @Test
    void allowListGuests_udpEntriesReachTheirServer_dnsOnlyWhenThePolicyGrantsIt() {
        // Addresses only: no DNS; the UDP entry opens its resolver, directly.
        egress.put("net-udp", Egress.parse(UDP_RESOLVER + ":53/udp," + INTERNET + ":8081"));
        // TCP only to that server (busybox nslookup asks over UDP), DNS through the guest's resolver asked for.
        egress.put("net-dns", Egress.parse(UDP_RESOLVER + ":53,dns"));
        Instance udp = runtime.boot("net-udp", spec);
        Instance dns = runtime.boot("net-dns", spec);
        try {
            assertThat(lookupFrom(udp, NAME + "@" + UDP_RESOLVER)).isEqualTo("resolved " + NAME_ADDRESS);
            assertThat(lookupFrom(udp, NAME)).startsWith("refused");
            assertThat(lookupFrom(dns, NAME)).isEqualTo("resolved " + NAME_ADDRESS);
            assertThat(lookupFrom(dns, NAME + "@" + UDP_RESOLVER)).startsWith("refused");
        } finally {
            udp.stop();
            dns.stop();
        }
    }

    @Test
    void clonesOnTap_sameGuestAddressEachAnswersAtItsOwnVeth() {
        egress.put("net-clone-1", Egress.INTERNET);
        Template template = runtime.createTemplate("net", spec, scratch.resolve("template"));
        Instance a = runtime.cloneFrom(template, "net-clone-0");
        Instance b = runtime.cloneFrom(template, "net-clone-1");
        try {
            assertThat(a.address()).isNotEqualTo(b.address());
            assertThat(TestGuests.get(a.address(), a.hostPort(), "/")).isEqualTo("200 hello from a test guest");
            assertThat(TestGuests.get(b.address(), b.hostPort(), "/")).isEqualTo("200 hello from a test guest");
            // The clone's policy holds though its VMM may have come from the pool with none.
            assertThat(tryFrom(b, INTERNET + ":80")).isEqualTo("reached internet-ok");
            assertThat(tryFrom(a, INTERNET + ":80")).startsWith("blocked");
        } finally {
            a.stop();
            b.stop();
        }
    }

    private static String tryFrom(Instance vm, String target) {
        String answer = TestGuests.get(vm.address(), vm.hostPort(), "/cgi-bin/try?" + target);
        assertThat(answer).as("the guest's own answer about " + target).startsWith("200 ");
        return answer.substring(4);
    }

    private static String lookupFrom(Instance vm, String name) {
        String answer = TestGuests.get(vm.address(), vm.hostPort(), "/cgi-bin/lookup?" + name);
        assertThat(answer).as("the guest's own answer about " + name).startsWith("200 ");
        return answer.substring(4);
    }

    private static String vethHostSide(Instance vm) {
        String a = vm.address();
        int last = Integer.parseInt(a.substring(a.lastIndexOf('.') + 1));
        return a.substring(0, a.lastIndexOf('.') + 1) + (last - 1);
    }

    private static List<String> hostAddresses() throws IOException {
        List<String> out = new ArrayList<>();
        for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
            if (nic.getName().startsWith("wv") || nic.isLoopback()) {
                continue;
            }
            nic.inetAddresses().filter(Inet4Address.class::isInstance).forEach(a -> out.add(a.getHostAddress()));
        }
        return out;
    }

    private HttpServer server(InetSocketAddress at) throws IOException {
        HttpServer s = HttpServer.create(at, 16);
        s.createContext("/", x -> {
            byte[] body = "host".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        s.start();
        return s;
    }

    /** A namespace playing the internet: two HTTP servers at 198.51.100.2 (80, 8081), also at the metadata address. */
    private void makeInternet() throws IOException, InterruptedException {
        Path www = Files.createDirectories(scratch.resolve("inet-www"));
        Files.writeString(www.resolve("index.html"), "internet-ok\n");
        sh("ip netns del " + INTERNET_NS + " 2>/dev/null || true\nip link del wtinet 2>/dev/null || true\n"
                + "ip netns add " + INTERNET_NS + "\n"
                + "ip link add wtinet type veth peer name eth0 netns " + INTERNET_NS + "\n"
                + "ip addr add 198.51.100.1/30 dev wtinet\nip link set wtinet up\n"
                + "ip route replace " + METADATA + "/32 via " + INTERNET + "\n"
                + "ip route replace " + UDP_RESOLVER + "/32 via " + INTERNET + "\n"
                + "ip netns exec " + INTERNET_NS + " sh -ec 'ip link set lo up; ip addr add " + INTERNET
                + "/30 dev eth0; ip addr add " + METADATA + "/32 dev eth0; ip addr add " + UDP_RESOLVER
                + "/32 dev eth0; ip link set eth0 up;"
                + " ip route add default via 198.51.100.1'");
        for (String port : List.of("80", "8081")) {
            servers.add(new ProcessBuilder(
                            "ip",
                            "netns",
                            "exec",
                            INTERNET_NS,
                            "busybox",
                            "httpd",
                            "-f",
                            "-p",
                            port,
                            "-h",
                            www.toString())
                    .redirectErrorStream(true)
                    .start());
        }
        servers.add(new ProcessBuilder(
                        "ip",
                        "netns",
                        "exec",
                        INTERNET_NS,
                        "dnsmasq",
                        "--keep-in-foreground",
                        "--conf-file=/dev/null",
                        "--no-resolv",
                        "--no-hosts",
                        "--pid-file",
                        "--user=root",
                        "--bind-interfaces",
                        "--listen-address=" + INTERNET,
                        "--listen-address=" + UDP_RESOLVER,
                        "--address=/" + NAME + "/" + NAME_ADDRESS)
                .redirectErrorStream(true)
                .start());
        // Ready once it answers (it binds after start-up): the tests ask through the guests.
        Await.until(Duration.ofSeconds(30), "dnsmasq to answer", () -> {
            try {
                return sh("ip netns exec " + INTERNET_NS + " busybox nslookup " + NAME + " " + INTERNET
                                + " 2>&1 || true")
                        .contains(NAME_ADDRESS);
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static String sh(String script) throws IOException {
        Process p = new ProcessBuilder("sh", "-ec", script)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException("sh failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return out;
    }
}
