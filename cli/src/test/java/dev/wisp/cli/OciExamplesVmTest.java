package dev.wisp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.common.DockerRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The README's container-image examples as a user runs them: {@code examples/oci-python/build.sh}
 * (a Dockerfile built by buildah) and {@code examples/oci-java/build.sh} (the Jib Maven plugin)
 * push to a real docker-registry, then {@code wisp deploy NAME --image REF} runs each in a microVM
 * that answers curl through the router. The Debian roots the scripts make come from Debian's
 * mirror once and are kept in the test's cache folder for the rest of the run.
 */
@CliVmTest
class OciExamplesVmTest {
    @RegisterExtension
    static final CliControlPlane plane = CliControlPlane.withVms();

    DockerRegistry registry;

    @BeforeAll
    void start() throws Exception {
        registry = DockerRegistry.start(plane.dir().resolve("registry"));
    }

    @AfterAll
    void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void pythonDockerfileExample_buildsPushesDeploysAndAnswers() throws Exception {
        buildAndDeploy("oci-python", "hello-python");

        assertAnswers("hello-python", "/").contains("Python on Wisp");
        // USER nobody, WORKDIR /app and ENV from the Dockerfile
        assertAnswers("hello-python", "/api/info")
                .contains("\"greeting\": \"hello\"")
                .contains("\"cwd\": \"/app\"")
                .contains("\"uid\": 65534");
        assertThat(plane.wisp("rm", "hello-python").code()).isZero();
    }

    @Test
    void javaJibExample_buildsPushesDeploysAndAnswers() throws Exception {
        buildAndDeploy("oci-java", "hello-java");

        assertAnswers("hello-java", "/").startsWith("hello from Java ");
        assertAnswers("hello-java", "/api/hits").contains("\"hits\":");
        assertThat(plane.wisp("rm", "hello-java").code()).isZero();
    }

    /** Runs an example's build.sh against the test's registry; the reference it prints last. */
    private String build(String example) throws IOException, InterruptedException {
        Path script = ExampleApps.examplesDir().resolve(example).resolve("build.sh");
        Path log = plane.dir().resolve(example + "-build.log");
        ProcessBuilder pb = new ProcessBuilder(List.of(script.toString(), registry.host()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("WISP_EXAMPLES_CACHE", cacheDir().toString());
        Process p = pb.start();
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(example + "/build.sh did not finish in 20 min: " + Files.readString(log));
        }
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isZero();
        List<String> lines = out.strip().lines().toList();
        // Maven may leave colour escapes without a newline before the script's last line
        return lines.getLast().replaceAll("\u001b\\[[0-9;]*m", "").strip();
    }

    /** Debian roots and buildah storage, shared by the examples and kept between runs of this test. */
    private static Path cacheDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "wisp-examples-test-cache");
    }

    /** Builds examples/EXAMPLE into the registry as examples/SERVICE:1 and deploys it as SERVICE. */
    private void buildAndDeploy(String example, String service) throws Exception {
        String ref = build(example);
        assertThat(ref).isEqualTo(registry.host() + "/examples/" + service + ":1");
        CliRun deploy =
                plane.wisp("deploy", service, "--image", ref, "--memory", "256").ok();
        assertThat(deploy.out()).startsWith(service + ": revision 1 serving");
    }

    /** An assertion on what SERVICE answers at PATH through the router, already checked to be a 200. */
    private AbstractStringAssert<?> assertAnswers(String service, String path)
            throws IOException, InterruptedException {
        return assertThat(plane.curl(service + ".localhost", path)).endsWith("\n200");
    }
}
