package dev.wisp.bench;

import dev.wisp.common.FileTrees;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline of {@code wisp bench image}: the usual tools doing what Wisp's pull does, into one
 * OCI layout per round so a second image finds its base's blobs there as Wisp finds them in its
 * cache: {@code skopeo copy docker://REF oci:DIR:TAG}, {@code umoci unpack} (which has no layer
 * cache: it unpacks every layer), {@code mkfs.ext4 -d} of the unpacked root into a disk sized as
 * Wisp sizes it.
 */
final class ToolsPipeline {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final Path dir;
    private final boolean root = "root".equals(System.getProperty("user.name"));

    /** @param dir this round's folder: the layout, bundles and disks go there */
    ToolsPipeline(Path dir) {
        this.dir = dir;
    }

    /** Pulls and converts {@code ref} (tagged {@code tag} in the layout); milliseconds per step. */
    Map<String, Double> convert(String ref, String tag) throws IOException {
        Files.createDirectories(dir);
        Path layout = dir.resolve("layout");
        Path bundle = dir.resolve("bundle-" + tag);
        Path disk = dir.resolve("disk-" + tag + ".ext4");
        Map<String, Double> ms = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        BenchTools.run(
                dir,
                TIMEOUT,
                List.of(
                        "skopeo",
                        "copy",
                        "--quiet",
                        "--src-tls-verify=false",
                        "docker://" + ref,
                        "oci:" + layout + ":" + tag));
        long t1 = System.nanoTime();
        List<String> unpack = new ArrayList<>(List.of("umoci", "unpack"));
        if (!root) {
            unpack.add("--rootless");
        }
        unpack.addAll(List.of("--image", layout + ":" + tag, bundle.toString()));
        BenchTools.run(dir, TIMEOUT, unpack);
        long t2 = System.nanoTime();
        Path rootfs = bundle.resolve("rootfs");
        long content = FileTrees.size(rootfs);
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            // the size Wisp gives the same tree
            f.setLength(roundUp(content + content / 4 + (16L << 20), 1L << 20));
        }
        BenchTools.run(
                dir,
                TIMEOUT,
                List.of(
                        "mkfs.ext4",
                        "-q",
                        "-F",
                        "-t",
                        "ext4",
                        "-m",
                        "0",
                        "-E",
                        "lazy_itable_init=0",
                        "-O",
                        "^has_journal",
                        "-d",
                        rootfs.toString(),
                        disk.toString()));
        long t3 = System.nanoTime();
        ms.put("skopeo", (t1 - t0) / 1e6);
        ms.put("umoci", (t2 - t1) / 1e6);
        ms.put("mkfs", (t3 - t2) / 1e6);
        ms.put("total", (t3 - t0) / 1e6);
        return ms;
    }

    private static long roundUp(long n, long unit) {
        return (n + unit - 1) / unit * unit;
    }
}
