package dev.wisp.control;

import dev.wisp.image.ImageDigest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Random;

/** Image folders and their tars for upload tests, packed by the real {@code tar}. */
final class TestImages {
    private TestImages() {}

    /** A well-formed image folder whose initramfs is random bytes: valid to the API, not bootable. */
    static Path unbootable(Path dir, long seed) throws IOException {
        Files.createDirectories(dir);
        byte[] initrd = new byte[4096];
        new Random(seed).nextBytes(initrd);
        Files.write(dir.resolve("initrd.img"), initrd);
        String digest = ImageDigest.of("httpd", 8080, Tokens.sha256Hex(initrd), null);
        Files.writeString(dir.resolve("image.json"), manifest(digest, initrd.length), StandardCharsets.UTF_8);
        return dir;
    }

    static String manifest(String digest, long initrdBytes) {
        return "{\"id\":\"" + digest.substring(0, 16) + "\",\"digest\":\"" + digest + "\",\"entrypoint\":\"httpd\","
                + "\"port\":8080,\"kernelVersion\":\"test\",\"compression\":\"none\",\"initrdBytes\":" + initrdBytes
                + ",\"diskBytes\":0,\"build\":{\"source\":\"test\",\"createdAt\":\"2026-01-01T00:00:00Z\"}}";
    }

    static String id(Path dir) throws IOException {
        return Json.MAPPER
                .readTree(dir.resolve("image.json").toFile())
                .path("id")
                .asText();
    }

    /** {@code tar -cf - -C dir .}, as a user would pack an image folder. */
    static byte[] tar(Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("tar", "-cf", "-", "-C", dir.toString(), ".").start();
        byte[] out = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IOException(
                    "tar failed: " + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        return out;
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
