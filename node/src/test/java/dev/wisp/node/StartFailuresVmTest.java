package dev.wisp.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.common.WispHome;
import dev.wisp.image.Image;
import dev.wisp.image.ImageBuilder;
import dev.wisp.image.ImageStore;
import dev.wisp.image.Kernel;
import dev.wisp.runtime.BootSource;
import dev.wisp.runtime.VmSpec;
import dev.wisp.testing.VmTests;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A service whose app exits at once, in real microVMs: its starts are spaced by the crash-loop
 * back-off instead of looping, its status carries the reason and the console, and the router
 * answers its requests 503 with that reason at once instead of after the queue timeout.
 */
@ExtendWith(VmTests.class)
class StartFailuresVmTest {
    @RegisterExtension
    static final NodeBed BED = NodeBed.perClass();

    private Node node;

    @BeforeEach
    void start() {
        node = BED.start();
    }

    @Test
    void appExitsAtOnce_startsBackOffAndRequestsGet503WithTheReasonAtOnce() throws Exception {
        Path app = BED.scratch().resolve("crashy");
        Files.createDirectories(app);
        Files.writeString(app.resolve("README"), "exits at once\n");
        Kernel k = VmTests.kernel();
        Image image = ImageBuilder.fromFolder(app)
                .entrypoint("echo giving up now; exit 3")
                .port(8080)
                .build(k, new ImageStore(WispHome.resolve()));
        VmSpec vm = VmSpec.of(new BootSource(k.vmlinux(), image.initrd(), image.disk(), List.of()), 8080);
        // Each failed cold boot, timed as the node publishes it (a lost VM's own "gone" is not counted).
        List<Long> failedBoots = new CopyOnWriteArrayList<>();
        node.onInstanceChange(c -> {
            if (c.service().equals("crashy") && "gone".equals(c.to()) && "cold_boot".equals(c.via())) {
                failedBoots.add(System.nanoTime());
            }
        });
        node.deploy(ServiceSpec.of("crashy", vm));

        // The warm template fails first (start 1), then cold boots 1 s, 2 s, 4 s after each failure.
        await(() -> failedBoots.size() >= 3, Duration.ofSeconds(150));
        ServiceStatus.StartFailure f = node.status("crashy").orElseThrow().failure();
        assertThat(f).isNotNull();
        assertThat(f.reason()).contains("entrypoint exited with code 3 before it was ready");
        assertThat(f.console()).contains("giving up now");
        assertThat(f.attempts()).isGreaterThanOrEqualTo(4);
        assertThat(f.everReady()).isFalse();
        // Boot n+1 starts no sooner than the back-off after failure n, so the gaps are at least the back-offs.
        double gap1 = (failedBoots.get(1) - failedBoots.get(0)) / 1e9;
        double gap2 = (failedBoots.get(2) - failedBoots.get(1)) / 1e9;
        assertThat(gap1).as("seconds between failed boots 1 and 2").isGreaterThanOrEqualTo(1.95);
        assertThat(gap2).as("seconds between failed boots 2 and 3").isGreaterThanOrEqualTo(3.95);

        // A request meets the failure at once, not the 30 s queue timeout (a generous bound for a busy host).
        HttpClient client = HttpClient.newHttpClient();
        long t0 = System.nanoTime();
        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.routerPort() + "/"))
                        .header("Host", "crashy.localhost")
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        double took = (System.nanoTime() - t0) / 1e9;
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body())
                .contains("\"error\":\"service_unavailable\"")
                .contains("entrypoint exited with code 3 before it was ready");
        assertThat(took).as("seconds to the 503").isLessThan(10);
        // Nothing serves; the next back-off start may be booting already (8 s after failure 3: a slow request on a
        // loaded host sees it), so "no instance at all" would race it.
        assertThat(node.status("crashy").orElseThrow().instances())
                .as("instances routed")
                .allMatch(i -> i.port() < 0);
    }

    private static void await(java.util.function.BooleanSupplier done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }
}
