package dev.wisp.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Compiles one C source bundled as a class-path resource with the host's {@code gcc} and keeps the
 * binary for the life of the process. With reproducible flags (stripped, no build id) the same
 * compiler always yields the same bytes, so image content addresses stay stable.
 */
public final class CCompiler {
    private final Class<?> owner;
    private final String resource;
    private final List<String> flags;
    private byte[] binary;

    /**
     * @param owner    the class whose loader and package the resource is resolved against
     * @param resource the source, relative to {@code owner}'s package, e.g. {@code "guest/agent.c"}
     * @param flags    gcc flags before {@code -o}
     */
    public CCompiler(Class<?> owner, String resource, List<String> flags) {
        this.owner = owner;
        this.resource = resource;
        this.flags = List.copyOf(flags);
    }

    /**
     * The compiled binary (a copy), compiling it on first use; a failed compile is tried again on
     * the next call.
     *
     * @throws Failure when gcc is missing or fails
     */
    public synchronized byte[] binary() {
        if (binary == null) {
            binary = compile();
        }
        return binary.clone();
    }

    /**
     * As {@link #binary()}, with a failure turned into the caller's own exception.
     *
     * @param asError the exception to throw for a failure (it says what was being built)
     */
    public byte[] binary(Function<Failure, ? extends RuntimeException> asError) {
        try {
            return binary();
        } catch (Failure e) {
            throw asError.apply(e);
        }
    }

    private byte[] compile() {
        String name = resource.substring(resource.lastIndexOf('/') + 1);
        Path work = null;
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(name + " missing from the jar");
            }
            work = Files.createTempDirectory("wisp-cc-");
            Path source = work.resolve(name);
            Files.write(source, in.readAllBytes());
            Path out = work.resolve(name.endsWith(".c") ? name.substring(0, name.length() - 2) : name + ".bin");
            List<String> cmd = new ArrayList<>(List.of("gcc"));
            cmd.addAll(flags);
            cmd.addAll(List.of("-o", out.toString(), source.toString()));
            gcc(cmd);
            return Files.readAllBytes(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            FileTrees.delete(work);
        }
    }

    private static void gcc(List<String> cmd) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new Failure(true, "cannot run gcc (" + e.getMessage() + ")", e);
        }
        try {
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) {
                throw new Failure(
                        false,
                        out.isEmpty()
                                ? "exit code " + p.exitValue()
                                : out.substring(out.lastIndexOf('\n') + 1).strip(),
                        null);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new Failure(false, "interrupted", e);
        }
    }

    /** gcc could not be run, or it failed; the message is one line (gcc's last output line). */
    public static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean compilerMissing;

        Failure(boolean compilerMissing, String message, Throwable cause) {
            super(message, cause);
            this.compilerMissing = compilerMissing;
        }

        /** True when gcc is not installed (could not be started), false when it ran and failed. */
        public boolean compilerMissing() {
            return compilerMissing;
        }
    }
}
