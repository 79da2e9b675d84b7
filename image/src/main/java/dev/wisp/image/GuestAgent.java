package dev.wisp.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds the guest agent ({@code guest/agent.c}) with the host's gcc: freestanding, static,
 * stripped, with no build id, so the same compiler always yields the same bytes and an image's
 * content address stays stable. Compiled once per process.
 */
final class GuestAgent {
    static final String SOURCE_RESOURCE = "guest/agent.c";
    static final List<String> GCC_FLAGS = List.of("-static", "-nostdlib", "-ffreestanding", "-fno-stack-protector",
            "-fno-pie", "-no-pie", "-fno-asynchronous-unwind-tables", "-Os", "-s", "-Wl,--build-id=none");

    private static byte[] binary;

    private GuestAgent() {
    }

    static synchronized byte[] binary() {
        if (binary == null) {
            binary = compile();
        }
        return binary.clone();
    }

    private static byte[] compile() {
        Path work = null;
        try (InputStream in = GuestAgent.class.getResourceAsStream(SOURCE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("guest agent source missing from the jar");
            }
            work = Files.createTempDirectory("wisp-agent-");
            Path source = work.resolve("agent.c");
            Files.write(source, in.readAllBytes());
            Path out = work.resolve("agent");
            List<String> cmd = new java.util.ArrayList<>(List.of("gcc"));
            cmd.addAll(GCC_FLAGS);
            cmd.addAll(List.of("-o", out.toString(), source.toString()));
            try {
                Commands.run("gcc (building the guest agent)", cmd);
            } catch (ImageBuildException e) {
                if (e.getMessage().contains("cannot run gcc")) {
                    throw new ImageBuildException("gcc not found: the guest agent is compiled when an image is built"
                            + " (apt-get install gcc, or run scripts/install-deps)", e);
                }
                throw e;
            }
            return Files.readAllBytes(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            Files2.deleteTree(work);
        }
    }
}
