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
 * Compiles a C program bundled as class-path resources (its {@code .c} files and the headers they
 * include) with the host's {@code gcc} and keeps the binary for the life of the process. With reproducible flags (stripped, no build id) the same
 * compiler always yields the same bytes, so image content addresses stay stable.
 */
public final class CCompiler {
    private final Class<?> owner;
    private final List<String> resources;
    private final List<String> flags;
    private byte[] binary;

    /**
     * @param owner    the class whose loader and package the resource is resolved against
     * @param resource the source, relative to {@code owner}'s package, e.g. {@code "hello-static.c"}
     * @param flags    gcc flags before {@code -o}
     */
    public CCompiler(Class<?> owner, String resource, List<String> flags) {
        this(owner, List.of(resource), flags);
    }

    /**
     * @param owner     the class whose loader and package the resources are resolved against
     * @param resources the program's files, relative to {@code owner}'s package, the first naming the
     *                  binary (e.g. {@code "guest/agent/main.c"}); all land in one folder, so a
     *                  {@code #include "x.h"} finds its sibling, and every {@code .c} is compiled
     * @param flags     gcc flags before {@code -o}
     */
    public CCompiler(Class<?> owner, List<String> resources, List<String> flags) {
        if (resources.isEmpty()) {
            throw new IllegalArgumentException("no sources");
        }
        this.owner = owner;
        this.resources = List.copyOf(resources);
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
        Path work = null;
        try {
            work = Files.createTempDirectory("wisp-cc-");
            List<String> sources = new ArrayList<>();
            for (String resource : resources) {
                String name = fileName(resource);
                try (InputStream in = owner.getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalStateException(name + " missing from the jar");
                    }
                    Files.write(work.resolve(name), in.readAllBytes());
                }
                if (name.endsWith(".c")) {
                    sources.add(work.resolve(name).toString());
                }
            }
            String first = fileName(resources.get(0));
            Path out = work.resolve(first.endsWith(".c") ? first.substring(0, first.length() - 2) : first + ".bin");
            List<String> cmd = new ArrayList<>(List.of("gcc"));
            cmd.addAll(flags);
            cmd.addAll(List.of("-o", out.toString()));
            cmd.addAll(sources);
            gcc(cmd);
            return Files.readAllBytes(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            FileTrees.delete(work);
        }
    }

    private static String fileName(String resource) {
        return resource.substring(resource.lastIndexOf('/') + 1);
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
