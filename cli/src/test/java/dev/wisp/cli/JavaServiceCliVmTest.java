package dev.wisp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.sdk.Instance;
import dev.wisp.sdk.WispClient;
import dev.wisp.testing.Await;
import dev.wisp.testing.JavaServiceExample;
import dev.wisp.testing.VmTests;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * examples/java-service as a newcomer deploys it: the jar built with javac and jar, then
 * {@code wisp deploy hello-java -f wisp.toml} ({@code runtime = "java"}), answered through the
 * router; a second instance is a clone of the warm JVM. Bad input fails in one line, before any build.
 */
@ExtendWith(VmTests.class)
class JavaServiceCliVmTest {
    /** The service's name, as examples/java-service/wisp.toml gives it. */
    private static final String NAME = "hello-java";

    @RegisterExtension
    static final CliControlPlane plane = CliControlPlane.withVms();

    @Test
    void exampleFromItsWispToml_servesThroughTheRouter_andASecondInstanceIsACloneOfTheWarmJvm() throws Exception {
        Path dir = plane.dir().resolve("java-service");
        JavaServiceExample.buildInto(dir);
        CliRun deploy =
                plane.wisp("deploy", NAME, "-f", dir.resolve("wisp.toml").toString());
        assertThat(deploy.code()).as(deploy.toString()).isZero();
        assertThat(deploy.err()).contains("built Java service image").contains("created service hello-java");
        assertThat(deploy.out()).startsWith("hello-java: revision 1 serving");

        String answer = plane.curl("hello-java.localhost", "/");
        assertThat(answer).matches("(?s)hello from Java \\d+ on hello-java-r1-\\S+\\n\\n200");

        WispClient sdk = WispClient.builder()
                .baseUrl(URI.create(plane.controlPlane().apiUrl()))
                .token(Files.readString(plane.controlPlane().adminTokenFile()).trim())
                .build();
        assertThat(sdk.service(NAME).resources().memoryMiB())
                .isEqualTo(dev.wisp.functions.JavaServiceImages.DEFAULT_MEMORY_MIB);
        CliRun scale = plane.wisp("scale", NAME, "--min", "2");
        assertThat(scale.code()).as(scale.toString()).isZero();
        Await.until(
                Duration.ofSeconds(240),
                "two hello-java instances",
                () -> sdk.instances(NAME).size() >= 2);
        List<String> ids = sdk.instances(NAME).stream().map(Instance::id).toList();
        // Each instance's wake event names its path: both are clones of the warm JVM, neither a cold boot.
        try {
            Await.until(
                    Duration.ofSeconds(60),
                    "a clone_template wake of " + ids,
                    () -> ids.stream()
                            .allMatch(id -> sdk.serviceEvents(NAME).stream()
                                    .anyMatch(e -> id.equals(e.instance())
                                            && e.detail() != null
                                            && e.detail().contains("via clone_template"))));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; events: " + sdk.serviceEvents(NAME), e);
        }
        assertThat(plane.curl("hello-java.localhost", "/hits")).matches("(?s)\\{\"hits\":\\d+}\\n\\n200");

        assertThat(plane.wisp("rm", NAME).code()).isZero();
    }

    @Test
    void badInput_isOneLine_beforeAnythingIsBuilt() throws Exception {
        Path dir = plane.dir().resolve("java-bad");
        Path jar = JavaServiceExample.buildInto(dir);
        Path plain = JavaServiceExample.plainJar(dir);

        CliRun noMain = plane.wisp("deploy", "bad", "--dir", plain.toString(), "--runtime", "java");
        assertThat(noMain.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(noMain.err())
                .isEqualTo("wisp: " + plain + " has no Main-Class in its manifest: name the main class"
                        + " (--main CLASS, or main in wisp.toml's [build])\n");
        CliRun missing =
                plane.wisp("deploy", "bad", "--dir", dir.resolve("nope.jar").toString(), "--runtime", "java");
        assertThat(missing.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(missing.err()).isEqualTo("wisp: no folder or file " + dir.resolve("nope.jar") + "\n");
        int floor = dev.wisp.functions.JavaServiceImages.MIN_MEMORY_MIB;
        CliRun small =
                plane.wisp("deploy", "bad", "--dir", jar.toString(), "--runtime", "java", "--memory", "" + (floor - 1));
        assertThat(small.err())
                .contains("a Java service needs at least " + floor + " MiB of memory, got " + (floor - 1));
        CliRun mainAlone = plane.wisp("deploy", "bad", "--dir", jar.toString(), "--main", "example.Hello");
        assertThat(mainAlone.err()).contains("--main goes with --runtime java");
        CliRun withEntrypoint =
                plane.wisp("deploy", "bad", "--dir", jar.toString(), "--runtime", "java", "--entrypoint", "java");
        assertThat(withEntrypoint.err()).contains("without --entrypoint: the JVM starts the app");
        assertThat(plane.wisp("ls").out()).doesNotContain("bad");
    }
}
