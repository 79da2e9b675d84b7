package dev.wisp.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wisp.image.ImageDigest;
import dev.wisp.image.ImageStore;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * Unpacks an uploaded image tar (ustar/GNU, as {@code tar -cf - -C IMAGE_DIR .} writes it) into a
 * staging folder and checks it is a Wisp image: only {@code image.json}, {@code initrd.img} and an
 * optional {@code disk.ext4}, regular files, sizes as the manifest says, and the manifest's id and
 * digest equal to what {@link ImageDigest} derives from the bytes received (every file, the disk
 * included) and the entrypoint and port. Anything else is a 400; the caller deletes the staging
 * folder on failure.
 */
final class ImageArchive {
    static final Set<String> FILES = Set.of("image.json", "initrd.img", "disk.ext4");
    /** A stacked OCI image's layer disks, {@code layer-0.ext4} up, under its disk.ext4. */
    private static final java.util.regex.Pattern LAYER =
            java.util.regex.Pattern.compile("layer-(0|[1-9][0-9]?)\\.ext4");

    /** Whether {@code name} is a file an image may hold. */
    static boolean isImageFile(String name) {
        return FILES.contains(name) || LAYER.matcher(name).matches();
    }

    /** The checked manifest: what the id was derived from, and the SHA-256 of each file. */
    record Manifest(
            String id,
            String entrypoint,
            int port,
            String kernelVersion,
            String initrdSha256,
            String diskSha256,
            java.util.List<String> layerSha256,
            long sizeBytes) {

        /**
         * Moves the checked folder {@code staging} into {@code images} as this image, or drops it
         * if the same bytes are stored already (same id, same digest).
         *
         * @param source where it came from, for the store's record ({@code upload}, {@code peer})
         */
        void addTo(ImageStore images, Path staging, String source) {
            images.add(staging, entrypoint, port, initrdSha256, diskSha256, layerSha256, kernelVersion, source);
        }
    }

    private ImageArchive() {}

    static Manifest unpack(Path tar, Path staging) throws IOException {
        Map<String, String> sha = new HashMap<>();
        Map<String, Long> sizes = new HashMap<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tar), 1 << 16)) {
            byte[] header = new byte[512];
            while (true) {
                if (in.readNBytes(header, 0, header.length) < header.length) {
                    throw bad("the archive ends without its end marker");
                }
                if (allZero(header)) {
                    break;
                }
                checkHeaderSum(header);
                String name = string(header, 0, 100);
                String prefix = string(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
                char type = (char) header[156];
                long size = octal(header, 124, 12);
                if (type == 'x' || type == 'g') {
                    skip(in, padded(size)); // pax attributes (mtime and the like): not needed
                    continue;
                }
                String clean = name.startsWith("./") ? name.substring(2) : name;
                if (type == '5' && (clean.isEmpty() || clean.equals("."))) {
                    continue;
                }
                if (type != '0' && type != 0) {
                    throw bad("entry '" + Names.shorten(name) + "' is not a regular file");
                }
                if (!isImageFile(clean)) {
                    throw bad("unexpected entry '" + Names.shorten(name) + "': an image holds only " + FILES
                            + " and layer-N.ext4");
                }
                if (sizes.containsKey(clean)) {
                    throw bad("entry '" + clean + "' appears twice");
                }
                sizes.put(clean, size);
                sha.put(clean, copy(in, size, staging.resolve(clean)));
                skip(in, padded(size) - size);
            }
        }
        return check(staging, sha, sizes);
    }

    /**
     * Checks a folder holding an image's files as received one by one (from another node): the
     * same rules as an archive, the id derived from the bytes.
     */
    static Manifest checkFolder(Path staging) throws IOException {
        Map<String, String> sha = new HashMap<>();
        Map<String, Long> sizes = new HashMap<>();
        java.util.List<String> names = new java.util.ArrayList<>(FILES);
        for (int i = 0; Files.isRegularFile(staging.resolve(dev.wisp.image.Image.layerFile(i))); i++) {
            names.add(dev.wisp.image.Image.layerFile(i));
        }
        for (String f : names) {
            Path file = staging.resolve(f);
            if (Files.isRegularFile(file)) {
                sizes.put(f, Files.size(file));
                try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                    sha.put(f, copy(in, sizes.get(f), null));
                }
            }
        }
        return check(staging, sha, sizes);
    }

    private static Manifest check(Path staging, Map<String, String> sha, Map<String, Long> sizes) throws IOException {
        if (!sizes.containsKey("image.json") || !sizes.containsKey("initrd.img")) {
            throw bad("an image needs image.json and initrd.img");
        }
        if (sizes.get("image.json") > 64 * 1024) {
            throw bad("image.json is larger than 64 KiB");
        }
        JsonNode m;
        try {
            m = Json.MAPPER.readTree(Files.readAllBytes(staging.resolve("image.json")));
        } catch (IOException e) {
            throw bad("image.json is not JSON");
        }
        String id = m.path("id").asText("");
        String digest = m.path("digest").asText("");
        if (!id.matches("[0-9a-f]{16}") || !digest.matches("[0-9a-f]{64}") || !digest.startsWith(id)) {
            throw bad("image.json: id must be the first 16 hex digits of a 64-digit sha256 digest");
        }
        int port = m.path("port").asInt(0);
        String entrypoint = m.path("entrypoint").asText("");
        if (port < 1 || port > 65535 || !m.path("entrypoint").isTextual() || entrypoint.isBlank()) {
            throw bad("image.json: needs an entrypoint and a port in [1, 65535]");
        }
        if (entrypoint.indexOf('\n') >= 0 || entrypoint.indexOf('\0') >= 0) {
            throw bad("image.json: the entrypoint must be a single line");
        }
        if (m.path("initrdBytes").asLong(-1) != sizes.get("initrd.img")) {
            throw bad("initrd.img has " + sizes.get("initrd.img") + " bytes, image.json says "
                    + m.path("initrdBytes").asLong(-1));
        }
        long disk = sizes.getOrDefault("disk.ext4", 0L);
        if (m.path("diskBytes").asLong(0) != disk) {
            throw bad("disk.ext4 has " + disk + " bytes, image.json says "
                    + m.path("diskBytes").asLong(0));
        }
        String diskSha = sizes.containsKey("disk.ext4") ? sha.get("disk.ext4") : null;
        if (diskSha != null && disk == 0) {
            throw bad("disk.ext4 is empty");
        }
        // The id is derived from what arrived, never taken from the sender: a claim it does not
        // match is refused, so one tenant's upload cannot take the id of another's image.
        java.util.List<String> layers = new java.util.ArrayList<>();
        for (int i = 0; sizes.containsKey(dev.wisp.image.Image.layerFile(i)); i++) {
            layers.add(sha.get(dev.wisp.image.Image.layerFile(i)));
        }
        if (layers.size() + FILES.stream().filter(sizes::containsKey).count() != sizes.size()) {
            throw bad("layer disks must be numbered from layer-0.ext4 without gaps");
        }
        if (!layers.isEmpty() && diskSha == null) {
            throw bad("layer disks without a disk.ext4 on top of them");
        }
        String derived = ImageDigest.of(entrypoint, port, sha.get("initrd.img"), diskSha, layers);
        if (!derived.equals(digest)) {
            throw bad("image.json says id " + id + ", but its files, entrypoint and port give "
                    + ImageDigest.id(derived) + " (an image built by an older wisp must be built again)");
        }
        String kernel = m.path("kernelVersion").asText("");
        long total = sizes.values().stream().mapToLong(Long::longValue).sum();
        return new Manifest(
                id,
                entrypoint,
                port,
                kernel.matches("[A-Za-z0-9._+~-]{1,100}") ? kernel : "unknown",
                sha.get("initrd.img"),
                diskSha,
                layers,
                total);
    }

    private static String copy(InputStream in, long size, Path to) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        try (OutputStream out = to == null ? OutputStream.nullOutputStream() : Files.newOutputStream(to)) {
            DigestInputStream din = new DigestInputStream(in, md);
            long left = size;
            while (left > 0) {
                int n = din.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw bad("the archive is truncated");
                }
                out.write(buf, 0, n);
                left -= n;
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static long padded(long size) {
        return (size + 511) / 512 * 512;
    }

    private static void skip(InputStream in, long n) throws IOException {
        try {
            in.skipNBytes(n);
        } catch (EOFException e) {
            throw bad("the archive is truncated");
        }
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static void checkHeaderSum(byte[] h) {
        long stored = octal(h, 148, 8);
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
        }
        if (sum != stored) {
            throw bad("not a tar archive (header checksum mismatch)");
        }
    }

    private static String string(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] b, int off, int len) {
        if ((b[off] & 0x80) != 0) {
            throw bad("entry sizes in base-256 are not supported");
        }
        String s = string(b, off, len).trim();
        if (s.isEmpty()) {
            return 0;
        }
        if (!s.matches("[0-7]{1,12}")) {
            throw bad("not a tar archive (bad number field)");
        }
        return Long.parseLong(s, 8);
    }

    private static ApiException bad(String message) {
        return ApiException.badRequest("bad image archive: " + message);
    }
}
