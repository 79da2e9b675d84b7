package dev.wisp.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wisp.common.HostCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A container image for tests, made by real tools in an OCI layout: buildah builds "base" from the
 * host's busybox-static (httpd serving {@code .} from WorkingDir /www as user {@code web}, a CGI
 * that prints who and where it runs); "child" adds a layer made by GNU tar that deletes
 * {@code /www/old.txt} and {@code /etc/hello} (OCI whiteouts) and replaces {@code /www/index.html}.
 */
public final class OciTestImage {
    /** The base image's config: busybox httpd serving /www as user web. */
    private static final String BASE_CONFIG =
            "--entrypoint [\"/bin/busybox\",\"httpd\",\"-f\"] --cmd [\"-p\",\"8080\",\"-h\",\".\"]"
                    + " --env GREETING=hi --workingdir /www --user web --port 8080";

    /** What the CGI at {@code /cgi-bin/info} prints, line by line. */
    static final String INFO_CGI = """
            #!/bin/sh
            echo "Content-Type: text/plain"
            echo
            echo "uid=$(busybox id -u) gid=$(busybox id -g) groups=$(busybox id -G)"
            echo "greeting=$GREETING"
            echo "path=$PATH"
            echo "home=$HOME"
            if [ -e /etc/hello ]; then echo "hello=present"; else echo "hello=gone"; fi
            """;

    private static final ObjectMapper JSON = new ObjectMapper();

    private OciTestImage() {}

    /** Builds tags "base" and "child" into {@code layout}, using {@code work} for buildah's storage. */
    public static void build(Path work, Path layout) throws Exception {
        Path st = Files.createDirectories(work.resolve("base-staging"));
        Files.createDirectories(st.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), st.resolve("bin/busybox"));
        Files.createSymbolicLink(st.resolve("bin/sh"), Path.of("busybox"));
        Files.createDirectories(st.resolve("etc"));
        Files.writeString(st.resolve("etc/hello"), "hello from the base\n");
        Files.writeString(
                st.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nweb:x:1000:1000:web:/home/web:/bin/sh\n");
        Files.writeString(st.resolve("etc/group"), "root:x:0:\nweb:x:1000:\nstaff:x:50:web\n");
        Files.createDirectories(st.resolve("www/cgi-bin"));
        Files.writeString(st.resolve("www/index.html"), "base page\n");
        Files.writeString(st.resolve("www/old.txt"), "old file\n");
        Path cgi = st.resolve("www/cgi-bin/info");
        Files.writeString(cgi, INFO_CGI);
        Files.setAttribute(cgi, "unix:mode", 0755);
        HostCommands.buildahImage(work, st, "oci:" + layout + ":base", BASE_CONFIG);

        Path child = Files.createDirectories(work.resolve("child-staging"));
        Files.createDirectories(child.resolve("www"));
        Files.createDirectories(child.resolve("etc"));
        Files.writeString(child.resolve("www/index.html"), "child page\n");
        Files.createFile(child.resolve("www/.wh.old.txt"));
        Files.createFile(child.resolve("etc/.wh.hello"));
        Path tar = work.resolve("child.tar");
        run(child, "tar", "--numeric-owner", "--owner=0", "--group=0", "--sort=name", "-cf", tar.toString(), ".");
        derive(layout, "base", "child", config -> {}, Files.readAllBytes(tar));
    }

    /**
     * Copies image {@code from} as {@code to} with one more layer on top: a GNU tar of {@code files}
     * made in {@code dir}, names kept as given ({@code -P}: "../x" stays, for a layer that tries to
     * write outside the root).
     *
     * @return the new layer's digest
     */
    public static String addTarLayer(Path layout, String from, String to, Path dir, String... files) throws Exception {
        Path tar = Files.createTempFile("wisp-layer-", ".tar");
        try {
            List<String> cmd = new ArrayList<>(
                    List.of("tar", "--numeric-owner", "--owner=0", "--group=0", "-P", "-cf", tar.toString()));
            cmd.addAll(List.of(files));
            run(dir, cmd.toArray(String[]::new));
            return derive(layout, from, to, c -> {}, Files.readAllBytes(tar));
        } finally {
            Files.deleteIfExists(tar);
        }
    }

    /** Copies image {@code from} as {@code to} built for another architecture (its config says so). */
    public static void forArchitecture(Path layout, String from, String to, String arch) throws IOException {
        derive(layout, from, to, c -> c.put("architecture", arch), null);
    }

    /**
     * Copies image {@code from} as {@code to}: its config edited, one more uncompressed layer on top
     * unless {@code tar} is null.
     *
     * @return the digest of the layer added, or null
     */
    private static String derive(
            Path layout, String from, String to, java.util.function.Consumer<ObjectNode> edit, byte[] tar)
            throws IOException {
        ObjectNode index =
                (ObjectNode) JSON.readTree(layout.resolve("index.json").toFile());
        JsonNode desc = null;
        for (JsonNode m : index.path("manifests")) {
            if (from.equals(m.path("annotations")
                    .path("org.opencontainers.image.ref.name")
                    .asText())) {
                desc = m;
            }
        }
        if (desc == null) {
            throw new IOException("no tag " + from + " in " + layout);
        }
        ObjectNode manifest =
                (ObjectNode) JSON.readTree(blob(layout, desc.path("digest").asText()));
        ObjectNode config = (ObjectNode) JSON.readTree(
                blob(layout, manifest.path("config").path("digest").asText()));
        String layerDigest = tar == null ? null : write(layout, tar);
        if (tar != null) {
            ((ArrayNode) config.path("rootfs").path("diff_ids")).add(layerDigest);
        }
        edit.accept(config);
        config.remove("history");
        byte[] cfg = JSON.writeValueAsBytes(config);
        ((ObjectNode) manifest.get("config")).put("digest", write(layout, cfg)).put("size", cfg.length);
        if (tar != null) {
            ((ArrayNode) manifest.get("layers"))
                    .addObject()
                    .put("mediaType", "application/vnd.oci.image.layer.v1.tar")
                    .put("digest", layerDigest)
                    .put("size", tar.length);
        }
        byte[] m = JSON.writeValueAsBytes(manifest);
        ObjectNode d = JSON.createObjectNode()
                .put("mediaType", "application/vnd.oci.image.manifest.v1+json")
                .put("digest", write(layout, m))
                .put("size", m.length);
        d.putObject("annotations").put("org.opencontainers.image.ref.name", to);
        ((ArrayNode) index.get("manifests")).add(d);
        Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
        return layerDigest;
    }

    private static byte[] blob(Path layout, String digest) throws IOException {
        return Files.readAllBytes(layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length())));
    }

    private static String write(Path layout, byte[] b) throws IOException {
        String hex;
        try {
            hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Files.write(layout.resolve("blobs/sha256").resolve(hex), b);
        return "sha256:" + hex;
    }

    private static String run(Path dir, String... cmd) throws Exception {
        return HostCommands.run(dir, cmd);
    }
}
