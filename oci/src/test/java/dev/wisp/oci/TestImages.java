package dev.wisp.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wisp.common.HostCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test images made by real tools, never pulled from a network: buildah builds a busybox image from
 * the host's busybox-static; other images are OCI layouts whose layers GNU tar (and gzip, zstd) makes
 * from staging directories, so a layer can hold exactly the whiteouts or bad paths a test needs.
 * skopeo pushes either to the test registry.
 */
final class TestImages {
    /** The base image's config: busybox httpd as user 1000, a full config to read back. */
    private static final String BASE_CONFIG =
            "--entrypoint [\"/bin/busybox\",\"httpd\",\"-f\"] --cmd [\"-p\",\"8080\"] --env GREETING=hi"
                    + " --workingdir /www --user 1000:1000 --port 8080";

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestImages() {}

    /** buildah: busybox + /etc/hello + /www/index.html, with a full config; tag "base" in {@code layout}. */
    static void buildahBase(Path work, Path layout) throws Exception {
        Path st = Files.createDirectories(work.resolve("base-staging"));
        Files.createDirectories(st.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), st.resolve("bin/busybox"));
        Files.createDirectories(st.resolve("etc"));
        Files.writeString(st.resolve("etc/hello"), "hello from the base\n");
        Files.createDirectories(st.resolve("www"));
        Files.writeString(st.resolve("www/index.html"), "<h1>wisp</h1>\n");
        HostCommands.buildahImage(work, st, "oci:" + layout + ":base", BASE_CONFIG);
    }

    /** buildah: the base plus /www/child.txt; tag "child" in {@code layout}. */
    static void buildahChild(Path work, Path layout) throws Exception {
        Path f = work.resolve("child.txt");
        Files.writeString(f, "only in the child\n");
        String c = buildah(work, "from", "oci:" + layout + ":base").strip();
        buildah(work, "copy", c, f.toString(), "/www/child.txt");
        buildah(work, "commit", "-q", "--format", "oci", c, "oci:" + layout + ":child");
        buildah(work, "rm", c);
    }

    /** Runs buildah with its storage under {@code work}; returns its output. */
    static String buildah(Path work, String... args) throws Exception {
        return HostCommands.buildah(work, args);
    }

    /** A layer made by GNU tar from a staging directory (numeric owners, sorted names). */
    static byte[] tar(Path staging, String... extraTarArgs) throws Exception {
        Path out = Files.createTempFile("wisp-layer-", ".tar");
        try {
            List<String> cmd = new ArrayList<>(List.of("tar", "--numeric-owner", "--sort=name", "-cf", out.toString()));
            cmd.addAll(List.of(extraTarArgs));
            if (extraTarArgs.length == 0) {
                cmd.add(".");
            }
            Tools.run(staging, cmd.toArray(String[]::new));
            return Files.readAllBytes(out);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Compresses with the host's gzip or zstd. */
    static byte[] compress(byte[] tar, String tool) throws Exception {
        Path in = Files.createTempFile("wisp-layer-", ".tar");
        try {
            Files.write(in, tar);
            Tools.run(in.getParent(), tool, "-q", "-f", "-k", in.toString());
            Path out = Path.of(in + (tool.equals("gzip") ? ".gz" : ".zst"));
            byte[] b = Files.readAllBytes(out);
            Files.delete(out);
            return b;
        } finally {
            Files.deleteIfExists(in);
        }
    }

    /** One layer for an OCI layout: the bytes as stored and the uncompressed tar (for the diff id). */
    record Layer(byte[] blob, byte[] tar, String mediaType) {
        static Layer plain(byte[] tar) {
            return new Layer(tar, tar, "application/vnd.oci.image.layer.v1.tar");
        }

        static Layer gzip(byte[] tar) throws Exception {
            return new Layer(compress(tar, "gzip"), tar, "application/vnd.oci.image.layer.v1.tar+gzip");
        }

        static Layer zstd(byte[] tar) throws Exception {
            return new Layer(compress(tar, "zstd"), tar, "application/vnd.oci.image.layer.v1.tar+zstd");
        }
    }

    /** Writes an image (config for {@code arch}, manifest, layers) into an OCI layout under {@code tag}. */
    static Digest writeImage(Path layout, String tag, String arch, List<Layer> layers) throws IOException {
        ObjectNode config = JSON.createObjectNode().put("architecture", arch).put("os", "linux");
        config.putObject("config").putArray("Cmd").add("/bin/sh");
        ObjectNode rootfs = config.putObject("rootfs").put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_MANIFEST);
        ArrayNode ls = manifest.putArray("layers");
        for (Layer l : layers) {
            diffIds.add(Digest.of(l.tar()).toString());
            ls.add(descriptor(l.mediaType(), writeBlob(layout, l.blob()), l.blob().length));
        }
        byte[] cfg = JSON.writeValueAsBytes(config);
        manifest.set(
                "config", descriptor("application/vnd.oci.image.config.v1+json", writeBlob(layout, cfg), cfg.length));
        byte[] m = JSON.writeValueAsBytes(manifest);
        Digest md = writeBlob(layout, m);
        if (tag != null) {
            addToIndex(layout, tag, descriptor(MediaTypes.OCI_MANIFEST, md, m.length));
        }
        return md;
    }

    /** Writes an index listing one manifest (written before) as {@code os/arch}, under {@code tag}. */
    static void writeIndex(Path layout, String tag, Digest manifest, String arch) throws IOException {
        long size = Files.size(layout.resolve("blobs/sha256").resolve(manifest.hex()));
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX);
        ObjectNode d = descriptor(MediaTypes.OCI_MANIFEST, manifest, size);
        d.putObject("platform").put("os", "linux").put("architecture", arch).put("variant", "v8");
        index.putArray("manifests").add(d);
        byte[] b = JSON.writeValueAsBytes(index);
        addToIndex(layout, tag, descriptor(MediaTypes.OCI_INDEX, writeBlob(layout, b), b.length));
    }

    private static ObjectNode descriptor(String type, Digest d, long size) {
        return JSON.createObjectNode()
                .put("mediaType", type)
                .put("digest", d.toString())
                .put("size", size);
    }

    private static Digest writeBlob(Path layout, byte[] b) throws IOException {
        Digest d = Digest.of(b);
        Path dir = Files.createDirectories(layout.resolve("blobs/sha256"));
        Files.write(dir.resolve(d.hex()), b);
        return d;
    }

    private static void addToIndex(Path layout, String tag, ObjectNode desc) throws IOException {
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Path indexFile = layout.resolve("index.json");
        ObjectNode index = Files.exists(indexFile)
                ? (ObjectNode) JSON.readTree(indexFile.toFile())
                : JSON.createObjectNode().put("schemaVersion", 2);
        desc.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
        ArrayNode ms = index.has("manifests") ? (ArrayNode) index.get("manifests") : index.putArray("manifests");
        ms.add(desc);
        Files.write(indexFile, JSON.writeValueAsBytes(index));
    }
}
