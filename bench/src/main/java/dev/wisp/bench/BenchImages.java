package dev.wisp.bench;

import dev.wisp.common.HostCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The two images {@code wisp bench image} pulls, built on this host by real tools (no Docker Hub
 * here) and pushed to a local registry: "1" is Debian bookworm's minbase with python3 from
 * Debian's mirror (mmdebstrap, kept in a cache folder across runs) serving HTTP on 8080; "2" is
 * "1" plus one small layer (an app folder), so the two share their base layer.
 */
final class BenchImages {
    /** What the base holds besides minbase: enough for a real app and ~160 MB in all. */
    static final String PACKAGES = "python3-minimal,libpython3.11-stdlib";

    static final String SUITE = "bookworm";
    static final String REPOSITORY = "bench/app";
    private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(40);
    private static final int APP_FILES = 40;
    private static final int APP_FILE_BYTES = 16 << 10;

    /**
     * @param first   reference of image 1
     * @param second  reference of image 2
     * @param baseTarBytes size of the base layer uncompressed
     * @param appBytes size of image 2's own files
     */
    record Pushed(String first, String second, long baseTarBytes, long appBytes) {}

    private BenchImages() {}

    /** The base root as a tar, made by mmdebstrap once and kept in {@code cacheDir}. */
    static Path baseTar(Path cacheDir, Consumer<String> progress) throws IOException {
        Path tar = cacheDir.resolve("debian-" + SUITE + "-minbase-python3-slim.tar");
        if (Files.isRegularFile(tar) && Files.size(tar) > 0) {
            return tar;
        }
        Files.createDirectories(cacheDir);
        progress.accept(
                "building the base image's root with mmdebstrap from Debian's mirror (once; kept in " + cacheDir + ")");
        Path part = cacheDir.resolve(tar.getFileName() + ".part");
        BenchTools.run(
                cacheDir,
                TOOL_TIMEOUT,
                List.of(
                        "mmdebstrap",
                        "--quiet",
                        "--variant=minbase",
                        "--include=" + PACKAGES,
                        // no docs, manuals or translations: what slim images leave out too
                        "--dpkgopt=path-exclude=/usr/share/doc/*",
                        "--dpkgopt=path-exclude=/usr/share/man/*",
                        "--dpkgopt=path-exclude=/usr/share/locale/*",
                        "--dpkgopt=path-exclude=/usr/share/info/*",
                        "--format=tar",
                        SUITE,
                        part.toString()));
        Files.move(part, tar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return tar;
    }

    /** Builds both images with buildah (storage under {@code work}) and pushes them to {@code registryHost}. */
    static Pushed buildAndPush(Path baseTar, Path work, String registryHost, Consumer<String> progress)
            throws IOException {
        Files.createDirectories(work);
        progress.accept("building the two images with buildah and pushing them to " + registryHost);
        String c1 = buildah(work, "from", "scratch").strip();
        buildah(work, "add", c1, baseTar.toString(), "/");
        buildah(
                work,
                "config",
                "--entrypoint",
                "[\"python3\",\"-m\",\"http.server\",\"8080\"]",
                "--workingdir",
                "/srv",
                "--env",
                "PYTHONDONTWRITEBYTECODE=1",
                "--port",
                "8080",
                c1);
        buildah(work, "commit", "-q", c1, "wisp-bench-app:1");
        buildah(work, "rm", c1);

        Path app = Files.createDirectories(work.resolve("app"));
        Random random = new Random(13); // fixed: the same small layer every run
        byte[] data = new byte[APP_FILE_BYTES];
        for (int i = 0; i < APP_FILES; i++) {
            random.nextBytes(data);
            Files.write(app.resolve(String.format("part-%02d.bin", i)), data);
        }
        Files.writeString(app.resolve("index.html"), "bench app 2\n");
        String c2 = buildah(work, "from", "wisp-bench-app:1").strip();
        buildah(work, "copy", c2, app.toString(), "/srv");
        buildah(work, "commit", "-q", c2, "wisp-bench-app:2");
        buildah(work, "rm", c2);

        String first = registryHost + "/" + REPOSITORY + ":1";
        String second = registryHost + "/" + REPOSITORY + ":2";
        // buildah push gzips the layers, as a registry's images usually are
        buildah(work, "push", "-q", "--tls-verify=false", "wisp-bench-app:1", "docker://" + first);
        buildah(work, "push", "-q", "--tls-verify=false", "wisp-bench-app:2", "docker://" + second);
        return new Pushed(first, second, Files.size(baseTar), (long) APP_FILES * APP_FILE_BYTES);
    }

    private static String buildah(Path work, String... args) throws IOException {
        return BenchTools.run(work, TOOL_TIMEOUT, HostCommands.buildahCommand(work, args));
    }
}
