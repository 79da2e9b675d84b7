package dev.wisp.image;

import dev.wisp.common.CCompiler;
import java.util.List;

/**
 * Builds the guest agent ({@code guest/agent/}, its parts named in {@code main.c}) with the host's gcc: freestanding, static,
 * stripped, with no build id, so the same compiler always yields the same bytes and an image's
 * content address stays stable. Compiled once per process.
 */
final class GuestAgent {
    static final List<String> SOURCES = List.of(
            "guest/agent/main.c",
            "guest/agent/lib.c",
            "guest/agent/command.c",
            "guest/agent/app.c",
            "guest/agent/boot.c",
            "guest/agent/agent.h");
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
    private static final CCompiler AGENT = new CCompiler(GuestAgent.class, SOURCES, GCC_FLAGS);

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
