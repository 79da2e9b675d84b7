package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wisp.functions.FunctionRuntime;
import java.nio.charset.StandardCharsets;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/** A function deploy's memory is checked against its own runtime's floor (a JVM's for Java). */
class FunctionInputTest {
    /** Wisp's kernel's floors: 32 MiB for a guest, 64 for one that runs a JVM. */
    private static final ToIntFunction<FunctionRuntime> FLOORS = r -> r == FunctionRuntime.JAVA ? 64 : 32;

    @Test
    void javaFunctionUnderTheJvmsFloor_isRefusedNamingIt() {
        assertThatThrownBy(() -> parse("java", "public class Hi {}", 48))
                .isInstanceOf(ApiException.class)
                .hasMessage("resources.memoryMiB must be in [64, 65536], was 48");
    }

    @Test
    void shellFunctionOfTheSameSize_isAccepted() {
        FunctionInput.Parsed p = parse("shell", "echo hi", 48);
        assertThat(p.record().resources().memoryMiB()).isEqualTo(48);
    }

    @Test
    void javaFunctionAtTheJvmsFloor_isAccepted() {
        FunctionInput.Parsed p = parse("java", "public class Hi {}", 64);
        assertThat(p.record().resources().memoryMiB()).isEqualTo(64);
    }

    private static FunctionInput.Parsed parse(String runtime, String handler, int memoryMib) {
        String body = "{\"name\":\"f\",\"runtime\":\"" + runtime + "\",\"handler\":\"" + handler
                + "\",\"resources\":{\"memoryMiB\":" + memoryMib + "}}";
        return FunctionInput.parse(
                body.getBytes(StandardCharsets.UTF_8), "acme", "fn-1", "2026-12-03T00:00:00Z", FLOORS);
    }
}
