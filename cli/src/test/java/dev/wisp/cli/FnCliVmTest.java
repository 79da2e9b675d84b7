package dev.wisp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wisp.testing.VmTests;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code wisp fn} against a real control plane with real microVMs: the shell example deployed,
 * invoked synchronously and asynchronously, listed, its log read, removed.
 */
@ExtendWith(VmTests.class)
class FnCliVmTest {
    @RegisterExtension
    static final CliControlPlane plane = CliControlPlane.withVms();

    private CliRun wisp(String... args) {
        return plane.wisp(args);
    }

    @Test
    void fnDeployThenInvoke_answersThroughTheControlPlane() throws Exception {
        Path handler = Path.of("../examples/functions/shell/handler.sh")
                .toAbsolutePath()
                .normalize();
        assertThat(wisp(
                                "fn",
                                "deploy",
                                "words",
                                "--runtime",
                                "shell",
                                "--handler",
                                handler.toString(),
                                "--concurrency",
                                "2")
                        .ok()
                        .out())
                .startsWith("function 'words' ready in ");

        CliRun invoke = wisp("fn", "invoke", "words", "--data", "one two three").ok();
        assertThat(invoke.json().path("words").asInt()).isEqualTo(3);

        CliRun async = wisp("fn", "invoke", "words", "--data", "four five", "--async", "--wait", "--json")
                .ok();
        JsonNode inv = async.json();
        assertThat(inv.path("state").asText()).isEqualTo("succeeded");
        assertThat(CliRun.parseJson(inv.path("body").asText()).path("words").asInt())
                .isEqualTo(2);

        JsonNode ls = wisp("fn", "ls", "--json").json();
        assertThat(ls).extracting(n -> n.path("name").asText()).containsExactly("words");
        assertThat(ls.get(0).path("reservedConcurrency").asInt()).isEqualTo(2);
        assertThat(wisp("fn", "logs", "words").out()).contains("sync").contains("async");

        assertThat(wisp("fn", "rm", "words").code()).isZero();
        CliRun gone = wisp("fn", "invoke", "words", "--data", "x");
        assertThat(gone.code()).as(gone.toString()).isEqualTo(Main.EXIT_NOT_FOUND);
        assertThat(gone.err()).contains("not_found");
    }
}
