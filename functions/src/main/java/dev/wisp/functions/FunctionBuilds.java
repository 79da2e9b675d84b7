package dev.wisp.functions;

import dev.wisp.image.Image;
import dev.wisp.image.ImageStore;
import dev.wisp.image.Kernel;
import dev.wisp.image.KernelMemory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a function's image is built from and for: the guest kernel, the image store and the cache
 * (jlink'd JREs, compiled handlers).
 *
 * @param cacheRoot where the jlink'd JRE is cached (e.g. {@code $WISP_HOME/cache})
 */
record FunctionBuilds(Kernel kernel, ImageStore images, Path cacheRoot) {

    /**
     * The least guest memory a function may ask for: what the kernel its guests boot needs, and for
     * Java what a JVM needs on that kernel.
     */
    int memoryFloorMib(FunctionRuntime runtime) {
        return runtime == FunctionRuntime.JAVA
                ? KernelMemory.jvmFloorMib(kernel.vmlinux())
                : KernelMemory.floorMib(kernel.vmlinux());
    }

    /** @throws FunctionException {@code bad_request} for less memory than the kernel (and a JVM) needs */
    void checkMemory(FunctionRuntime runtime, int memoryMib) {
        try {
            KernelMemory.check(memoryMib, kernel.vmlinux());
            if (runtime == FunctionRuntime.JAVA) {
                KernelMemory.checkJvm("a Java function", memoryMib, kernel.vmlinux());
            }
        } catch (IllegalArgumentException e) {
            throw new FunctionException(FunctionException.Code.BAD_REQUEST, e.getMessage());
        }
    }

    /** Builds (or finds, same content giving the same id) the function's image. */
    Image build(FunctionSpec spec) {
        return FunctionImages.build(
                spec.runtime(), handlerFile(spec), spec.handlerClass(), spec.javaModules(), kernel, images, cacheRoot);
    }

    /** A {@code .java} handler is compiled into a jar beside the image build's inputs. */
    private Path handlerFile(FunctionSpec spec) {
        if (spec.runtime() != FunctionRuntime.JAVA || !spec.handler().toString().endsWith(".java")) {
            return spec.handler();
        }
        try {
            Path dir = Files.createDirectories(cacheRoot.resolve("handlers"));
            Path jar = dir.resolve(spec.name() + ".jar");
            HandlerJars.compile(spec.handler(), jar);
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
