package dev.wisp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.testing.VmTests;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The apps of docs/apps.md as a user runs them: each example's {@code wisp.toml} applied through
 * the real CLI and control plane, booted in real microVMs, answering curl through the router. The
 * Debian roots (python3, nginx-light) come from the default Wisp home's cache, made once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(VmTests.class)
class ConfigExamplesVmTest {
    @RegisterExtension
    static final CliControlPlane plane = CliControlPlane.withVms();

    private static CliRun wisp(String... args) {
        return plane.wisp(args);
    }

    private static Path toml(String example) {
        return ExampleApps.examplesDir().resolve(example).resolve("wisp.toml");
    }

    /** {@code wisp apply -f examples/EXAMPLE/wisp.toml}, which must end with revision 1 of {@code name} serving. */
    private static void applyServes(String example, String name) {
        CliRun apply = wisp("apply", "-f", toml(example).toString());
        assertThat(apply.code()).as(apply.toString()).isZero();
        assertThat(apply.out()).startsWith(name + ": revision 1 serving");
    }

    @Test
    void pythonApp_appliedFromItsWispToml_answersWithItsEnv() throws Exception {
        try {
            applyServes("python-app", "hello-py");

            assertThat(plane.curl("hello-py.localhost", "/"))
                    .contains("Python on Wisp")
                    .endsWith("\n200");
            assertThat(plane.curl("hello-py.localhost", "/api/info"))
                    .contains("\"greeting\": \"hello from Python\"")
                    .contains("\"python\": \"3.11.")
                    .endsWith("\n200");
            assertThat(postWords("the cat and the hat"))
                    .contains("\"words\": 5")
                    .contains("[\"the\", 2]")
                    .endsWith("\n200");
            // The same file again: nothing to do.
            CliRun again = wisp("apply", "-f", toml("python-app").toString());
            assertThat(again.code()).as(again.toString()).isZero();
            assertThat(again.err()).contains("hello-py: unchanged (revision 1)");
        } finally {
            wisp("rm", "hello-py");
        }
    }

    @Test
    void nginxSite_servesDebiansDefaultSiteWithTheSnippetsHeaders() throws Exception {
        try {
            applyServes("nginx-site", "nginx-site");

            String answer = CliControlPlane.curl(plane.controlPlane().routerPort(), "nginx-site.localhost", "/", "-i");
            assertThat(answer)
                    .containsPattern("(?m)^HTTP/1.1 200")
                    .containsPattern("(?im)^x-served-by: wisp nginx-site\\r?$")
                    .containsPattern("(?im)^server: nginx\\r?$")
                    .contains("Welcome to nginx!");
        } finally {
            wisp("rm", "nginx-site");
        }
    }

    @Test
    void visits_countOnTheVolumeSurvivesARedeploy() throws Exception {
        try {
            CliRun volume = wisp("volumes", "create", "visits", "--size", "16M");
            assertThat(volume.code()).as(volume.toString()).isZero();
            applyServes("visits", "visits");
            assertThat(plane.curl("visits.localhost", "/cgi-bin/visits")).isEqualTo("visits: visit 1\n\n200");
            assertThat(plane.curl("visits.localhost", "/cgi-bin/visits")).isEqualTo("visits: visit 2\n\n200");

            // The same file with a new MESSAGE, deployed as the docs say (deploy NAME -f FILE): revision 2.
            Path edited = plane.dir().resolve("visits.toml");
            String text = Files.readString(toml("visits"), StandardCharsets.UTF_8);
            Files.writeString(
                    edited,
                    text.replace("dir = \"app\"", "dir = \"" + toml("visits").resolveSibling("app") + "\"")
                            .replace("MESSAGE = \"visits\"", "MESSAGE = \"visits v2\""));
            CliRun redeploy = wisp("deploy", "visits", "-f", edited.toString());
            assertThat(redeploy.code()).as(redeploy.toString()).isZero();
            assertThat(redeploy.out()).startsWith("visits: revision 2 serving");
            assertThat(plane.curl("visits.localhost", "/cgi-bin/visits")).isEqualTo("visits v2: visit 3\n\n200");
        } finally {
            wisp("rm", "visits");
        }
    }

    private static String postWords(String text) throws Exception {
        return CliControlPlane.curl(
                plane.controlPlane().routerPort(), "hello-py.localhost", "/api/words", "--data-binary", text);
    }
}
