package dev.wisp.image;

import dev.wisp.common.CCompiler;
import java.util.List;

/**
 * Builds the guest agent ({@code guest/agent.c}) with the host's gcc: freestanding, static,
 * stripped, with no build id, so the same compiler always yields the same bytes and an image's
 * content address stays stable. Compiled once per process.
 */
final class GuestAgent {
    static final String SOURCE_RESOURCE = "guest/agent.c";
    static final List<String> GCC_FLAGS = List.of(
            "-static",
            "-nostdlib",
            "-ffreestanding",
            "-fno-stack-protector",
            "-fno-pie",
            "-no-pie",
            "-fno-asynchronous-unwind-tables",
            "-Os",
            "-s",
            "-Wl,--build-id=none");
    private static final CCompiler AGENT = new CCompiler(GuestAgent.class, SOURCE_RESOURCE, GCC_FLAGS);

    private GuestAgent() {}

    static byte[] binary() {
        return AGENT.binary(e -> new ImageBuildException(
                e.compilerMissing()
                        ? "gcc not found: the guest agent is compiled when an image is built"
                                + " (apt-get install gcc, or run scripts/install-deps)"
                        : "gcc (building the guest agent) failed: " + e.getMessage(),
                e));
    }
}
