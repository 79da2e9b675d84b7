package dev.wisp.runtime;

import dev.wisp.common.WispHome;
import dev.wisp.image.Image;
import dev.wisp.image.ImageStore;
import dev.wisp.testing.HttpdApp;
import dev.wisp.testing.VmTests;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Real kernels and real images for tests that boot real microVMs. */
final class TestGuests {
    static final String WHOAMI = """
            #!/bin/sh
            echo "Content-Type: text/plain"
            echo
            echo "$(hostname) $(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' ')"
            """;

    private TestGuests() {}

    /** What a test checks of a running instance. */
    @FunctionalInterface
    interface Check {
        void on(Instance instance) throws Exception;
    }

    /** Runs {@code check} on the instance, then stops it, whatever the check found. */
    static void checkThenStop(Instance instance, Check check) throws Exception {
        try {
            check.on(instance);
        } finally {
            instance.stop();
        }
    }

    /** User networking: these tests reach guests on 127.0.0.1; TAP has its own ({@code NetworkVmTest}). */
    static RuntimeConfig config() {
        return RuntimeConfig.defaults()
                .withHome(WispHome.resolve())
                .withAccelerator(AcceleratorChoice.AUTO)
                .withNetwork(dev.wisp.runtime.net.NetworkConfig.USER);
    }

    /** busybox httpd serving a page and a CGI that answers "hostname random-hex". */
    static Image webApp(Path scratch) {
        return image(scratch, "web", HttpdApp.ENTRYPOINT);
    }

    static Image image(Path scratch, String name, String entrypoint) {
        return HttpdApp.in(scratch.resolve(name))
                .cgi("whoami", WHOAMI)
                .build(entrypoint, new ImageStore(WispHome.resolve()));
    }

    static VmSpec spec(Image image) {
        return VmSpec.of(
                new BootSource(VmTests.kernel().vmlinux(), image.initrd(), image.disk(), List.of()), image.port());
    }

    static String get(int port, String path) {
        return get("127.0.0.1", port, path);
    }

    /** GET {@code path} from a guest at {@code address:port}: "status body", or "error ...". */
    static String get(String address, int port, String path) {
        try (HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> r = client.send(
                    HttpRequest.newBuilder(URI.create("http://" + address + ":" + port + path))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body().strip();
        } catch (IOException e) {
            return "error " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Whether any process on the host still carries this instance's VMM name. */
    static boolean vmmProcessExists(String instanceId) {
        String marker = "wisp-" + instanceId + ",";
        return ProcessHandle.allProcesses()
                .anyMatch(
                        p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false));
    }
}
