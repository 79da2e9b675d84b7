package dev.wisp.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wisp.image.KernelChoice;
import dev.wisp.image.KernelMemory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Shell and binary functions in the smallest guest Wisp's kernel allows (32 MiB), a Java function in
 * the smallest a JVM gets on it (64 MiB, with {@link SmallGuestJvm}'s flags); less than the floor is
 * refused before anything is built.
 */
class SmallGuestsVmTest {

    @RegisterExtension
    static final FnTestbed BED = new FnTestbed();

    @BeforeEach
    void onWispsKernel() {
        Assumptions.assumeTrue(
                KernelChoice.WISP.equals(KernelChoice.nameOf(BED.kernel)),
                "small guests need Wisp's kernel (wisp setup --kernel wisp); the tests boot " + BED.kernel.version());
    }

    @Test
    void shellFunction_answersIn32MiB() throws Exception {
        JsonNode body = deployAndInvoke(
                FunctionSpec.of("tiny-sh", FunctionRuntime.SHELL, FnTestbed.example("shell/handler.sh")),
                KernelMemory.WISP_KERNEL_FLOOR_MIB,
                "one two");
        assertThat(body.path("instance").asText()).startsWith("tiny-sh-");
    }

    @Test
    void binaryFunction_answersIn32MiB() throws Exception {
        JsonNode body = deployAndInvoke(
                FunctionSpec.of("tiny-bin", FunctionRuntime.BINARY, BED.binaryExample("tiny-sum")),
                KernelMemory.WISP_KERNEL_FLOOR_MIB,
                "1 2");
        assertThat(body.path("sum").asDouble()).isEqualTo(3.0);
    }

    @Test
    void javaFunction_answersIn64MiB() throws Exception {
        JsonNode body = deployAndInvoke(
                FunctionSpec.of("tiny-java", FunctionRuntime.JAVA, FnTestbed.example("java/Hello.java")),
                KernelMemory.WISP_KERNEL_JVM_FLOOR_MIB,
                "small");
        assertThat(body.path("hello").asText()).isEqualTo("small");
        assertThat(body.path("primes").asInt()).isEqualTo(148933); // the constructor's work, before the snapshot
        assertThat(body.path("restores").asInt()).isEqualTo(1); // a clone of the warm JVM answered
        assertThat(body.path("instance").asText()).startsWith("tiny-java-");
    }

    /** Deploys {@code spec} in a guest of {@code memoryMib}, invokes it once with {@code input}, removes it; its answer (200). */
    private static JsonNode deployAndInvoke(FunctionSpec spec, int memoryMib, String input) throws Exception {
        BED.functions.deploy(spec.withResources(1, memoryMib));
        try {
            FunctionResponse r =
                    BED.functions.invoke(spec.name(), FunctionCall.post(input.getBytes(StandardCharsets.UTF_8)));
            assertThat(r.status()).isEqualTo(200);
            return FnTestbed.json(r.body());
        } finally {
            BED.functions.remove(spec.name());
        }
    }

    @Test
    void javaFunctionUnderTheJvmsFloor_isRefusedNamingIt() {
        FunctionSpec spec = FunctionSpec.of("small-jvm", FunctionRuntime.JAVA, FnTestbed.example("java/Hello.java"))
                .withResources(1, KernelMemory.WISP_KERNEL_JVM_FLOOR_MIB - 16);
        assertRefusedAsABadRequest(spec, "a Java function needs at least 64 MiB of memory with Wisp's kernel, got 48");
    }

    @Test
    void lessThanTheKernelsFloor_isRefusedAsABadRequest() {
        FunctionSpec spec = FunctionSpec.of("too-small", FunctionRuntime.SHELL, FnTestbed.example("shell/handler.sh"))
                .withResources(1, KernelMemory.WISP_KERNEL_FLOOR_MIB - 8);
        assertRefusedAsABadRequest(spec, "memory must be at least 32 MiB with Wisp's kernel, got 24");
    }

    /** The deploy is refused before anything is built, as a bad request naming the floor. */
    private static void assertRefusedAsABadRequest(FunctionSpec spec, String message) {
        assertThatThrownBy(() -> BED.functions.deploy(spec))
                .isInstanceOf(FunctionException.class)
                .hasMessage(message)
                .satisfies(
                        e -> assertThat(((FunctionException) e).code()).isEqualTo(FunctionException.Code.BAD_REQUEST));
    }
}
