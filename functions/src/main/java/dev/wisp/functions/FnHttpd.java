package dev.wisp.functions;

import dev.wisp.common.CCompiler;
import java.util.List;

/**
 * Builds the guest's function server ({@code fnhttpd.c}) with the host's gcc, static against
 * glibc, stripped and without a build id so the same compiler gives the same bytes (image ids
 * stay stable). Compiled once per process.
 */
final class FnHttpd {
    private static final CCompiler SERVER =
            new CCompiler(FnHttpd.class, "fnhttpd.c", List.of("-static", "-Os", "-s", "-Wl,--build-id=none"));

    private FnHttpd() {}

    static byte[] binary() {
        return SERVER.binary(e -> e.compilerMissing()
                ? new FunctionException(
                        FunctionException.Code.UNAVAILABLE,
                        "gcc (building the function server) failed:"
                                + " gcc with static glibc is needed to build function images (apt-get install gcc libc6-dev)")
                : new FunctionException(
                        FunctionException.Code.INTERNAL,
                        "gcc (building the function server) failed: " + e.getMessage()));
    }
}
