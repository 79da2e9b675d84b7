package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wisp.testing.ChildJvm;
import dev.wisp.testing.VmTests;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A control plane killed with SIGKILL (no shutdown hook, no standby snapshots written) and started
 * again on its data directory: services and revisions are all there, the service answers again,
 * and no QEMU process of the dead one is left running.
 */
class ControlPlaneKillTest {
    /** The child's stderr, kept in target/ for a look after a failure. */
    private static final Path CHILD_LOG = Path.of("target", "kill-test-child.log");

    @TempDir
    Path scratch;

    @Test
    void killMinus9_restartRedeploysEverythingAndLeavesNoQemu() throws Exception {
        VmTests.assume();
        Path data = scratch.resolve("data");
        Path image = Guests.image(scratch, "kill");
        Process child = ChildJvm.of(ControlPlaneChild.class, data.toString())
                .redirectError(CHILD_LOG.toFile())
                .start();
        String token;
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line)
                    .as("the child's first line; its log: %s", CHILD_LOG.toAbsolutePath())
                    .startsWith("READY");
            String[] ready = line.split(" ");
            Http http = new Http("http://127.0.0.1:" + ready[1]);
            int routerPort = Integer.parseInt(ready[2]);
            token = Files.readString(data.resolve("admin-token")).trim();
            String id = http.uploadImage(token, image);
            assertThat(http.post(
                                    "/v1/services",
                                    token,
                                    "{\"name\":\"hello\",\"image\":\"" + id + "\",\"scaling\":{\"min\":1}}")
                            .status())
                    .isEqualTo(201);
            Guests.awaitServing(http, token, "hello", 1, Duration.ofSeconds(180));
            assertThat(Http.viaRouter(routerPort, "hello.localhost", "/", null).body())
                    .contains("kill");
            assertThat(http.post("/v1/services/hello/deploy", token, "{\"env\":{\"V\":\"2\"}}")
                            .status())
                    .isEqualTo(202);
            // Killed once no VM is mid-boot: the runtime writes a VMM's pid file only after its boot,
            // so a VM booting at the kill cannot be found by the next runtime's sweep (reported).
            Guests.awaitServing(http, token, "hello", 2, Duration.ofSeconds(240));
            assertThat(Guests.qemuOf(child.pid())).as("the child's VMs").isNotEmpty();
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);

        try (ControlPlane cp = ControlPlane.start(Guests.config(data).withStopOnClose(true))) {
            assertThat(Guests.qemuOf(child.pid()))
                    .as("QEMU processes of the killed control plane")
                    .isEmpty();
            Http http = new Http(cp.apiUrl());
            JsonNode svc = http.get("/v1/services/hello", token).json();
            assertThat(svc.path("latestRevision").asInt()).isEqualTo(2);
            assertThat(http.get("/v1/services/hello/revisions", token).json().path("items"))
                    .hasSize(2);
            Guests.await(
                    Duration.ofSeconds(240),
                    "hello answering after the restart",
                    () -> Http.viaRouter(cp.routerPort(), "hello.localhost", "/", null)
                                    .status()
                            == 200);
            Guests.awaitServing(http, token, "hello", 2, Duration.ofSeconds(240));
        }
        assertThat(Guests.qemuOf(ProcessHandle.current().pid()))
                .as("QEMU left by the restarted one")
                .isEmpty();
    }
}
