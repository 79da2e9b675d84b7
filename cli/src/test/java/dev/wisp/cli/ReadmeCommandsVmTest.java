package dev.wisp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.testing.Await;
import dev.wisp.testing.VmTests;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * README commands that deploy an app and no other test ran as written: {@code wisp serve} of the
 * hello example, and {@code wisp deploy api --dir ./server} with one static binary.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(VmTests.class)
class ReadmeCommandsVmTest {
    @RegisterExtension
    static final CliControlPlane plane = CliControlPlane.withVms();

    /** {@code ./wisp serve examples/hello --entrypoint 'httpd -f -p 8080 -h www' --name hello}. */
    @Test
    void serveHello_answersThroughItsOwnRouterUntilStopped() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        AtomicInteger code = new AtomicInteger(-1);
        // Free ports instead of the README's 8080 and 9090, which other runs on this host may hold.
        Thread serve = Thread.ofPlatform()
                .start(() -> code.set(cl.execute(
                        "serve",
                        ExampleApps.examplesDir().resolve("hello").toString(),
                        "--entrypoint",
                        ExampleApps.HELLO_ENTRYPOINT,
                        "--name",
                        "hello",
                        "--memory",
                        "128",
                        "--listen",
                        "0",
                        "--admin-port",
                        "0")));
        try {
            Pattern curlLine = Pattern.compile("curl -H 'Host: hello.localhost' http://127.0.0.1:(\\d+)/");
            Await.until(
                    Duration.ofSeconds(300),
                    "wisp serve to print its curl line (stderr: " + err + ")",
                    () -> curlLine.matcher(out.toString()).find() || !serve.isAlive());
            Matcher m = curlLine.matcher(out.toString());
            assertThat(m.find())
                    .as("wisp serve exited %d: %s %s", code.get(), out, err)
                    .isTrue();
            String answer = CliControlPlane.curl(Integer.parseInt(m.group(1)), "hello.localhost", "/cgi-bin/whoami");
            assertThat(answer).as(out.toString()).contains("instance hello-").endsWith("\n200");
        } finally {
            serve.interrupt(); // what Ctrl-C's shutdown hook does: the command stops and closes the node
            serve.join(TimeUnit.SECONDS.toMillis(120));
        }
        assertThat(serve.isAlive())
                .as("wisp serve still running after its stop")
                .isFalse();
    }

    /** {@code ./wisp deploy api --dir ./server}: one static binary is an app, its own entrypoint. */
    @Test
    void deploySingleStaticBinary_servesAsItsOwnEntrypoint() throws Exception {
        try {
            // The image module's single-file server (VmBootTest boots it without the control plane).
            Path source = Path.of("..", "image", "src", "test", "resources", "dev", "wisp", "image", "hello-static.c");
            Path server = plane.dir().resolve("bin/server");
            Files.createDirectories(server.getParent());
            Process gcc = new ProcessBuilder("gcc", "-static", "-Os", "-s", "-o", server.toString(), source.toString())
                    .redirectErrorStream(true)
                    .start();
            String gccOut = new String(gcc.getInputStream().readAllBytes());
            assertThat(gcc.waitFor()).as(gccOut).isZero();

            CliRun deploy = plane.wisp("deploy", "api", "--dir", server.toString(), "--memory", "128");
            assertThat(deploy.code()).as(deploy.toString()).isZero();
            assertThat(deploy.out()).startsWith("api: revision 1 serving");
            assertThat(plane.curl("api.localhost", "/")).isEqualTo("hello from a static binary\n200");
        } finally {
            plane.wisp("rm", "api");
        }
    }
}
