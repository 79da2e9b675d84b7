package dev.wisp.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code docker save} archive ({@code docker-archive:FILE}): manifest.json names the config file
 * and the layer tars of each image. It has no registry manifest, so one is made from the digests of
 * those files (an image manifest in Docker's v2 schema 2), always the same for the same archive
 * content: the same archive loaded twice is the same Wisp image. Archives of several images are
 * refused, naming their tags.
 */
final class DockerArchive implements ImageSource {
    private static final String LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar";
    private static final String LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    private static final String LAYER_ZSTD = "application/vnd.docker.image.rootfs.diff.tar.zstd";
    private static final String CONFIG = "application/vnd.docker.container.image.v1+json";

    private final LayoutFiles files;
    private final String name;
    private final Map<Digest, String> members = new HashMap<>();
    private final ImageSource.RawManifest manifest;

    /** @param name how the reference names it, e.g. {@code docker-archive:FILE} */
    DockerArchive(LayoutFiles files, String name) throws IOException {
        this.files = files;
        this.name = name;
        ObjectMapper json = new ObjectMapper();
        if (files.size("manifest.json") < 0) {
            throw new OciException(name + " is not a docker save archive (no manifest.json in it)");
        }
        JsonNode all = json.readTree(
                files.readSmall("manifest.json", RegistryClient.MAX_MANIFEST_BYTES, name + " manifest.json"));
        if (!all.isArray() || all.isEmpty()) {
            throw new OciException(name + ": manifest.json lists no image");
        }
        if (all.size() > 1) {
            List<String> tags = new ArrayList<>();
            all.forEach(i -> i.path("RepoTags").forEach(t -> tags.add(t.asText())));
            throw new OciException(name + " holds " + all.size() + " images (" + String.join(", ", tags)
                    + "); save one image per archive");
        }
        JsonNode image = all.get(0);
        String config = image.path("Config").asText("");
        if (config.isEmpty() || !image.path("Layers").isArray()) {
            throw new OciException(name + ": manifest.json has no Config and Layers");
        }
        ObjectNode m = json.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.DOCKER_MANIFEST);
        m.set("config", descriptor(json, CONFIG, config));
        ArrayNode layers = m.putArray("layers");
        for (JsonNode l : image.path("Layers")) {
            layers.add(descriptor(json, layerType(l.asText()), l.asText()));
        }
        byte[] bytes = json.writeValueAsBytes(m);
        this.manifest = new ImageSource.RawManifest(bytes, MediaTypes.DOCKER_MANIFEST, Digest.of(bytes));
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public RawManifest manifest(String reference) {
        if (reference != null && !reference.equals(manifest.digest().toString())) {
            throw new OciException(name + " holds one image, with no tags to choose from; got '" + reference + "'");
        }
        return manifest;
    }

    @Override
    public InputStream blob(Descriptor d) throws IOException {
        String member = members.get(d.digest());
        if (member == null) {
            throw new OciException(name + " has no blob " + d.digest());
        }
        return files.open(member);
    }

    @Override
    public void close() throws IOException {
        files.close();
    }

    /** A descriptor for an archive member: its sha256 and size, read through once. */
    private ObjectNode descriptor(ObjectMapper json, String mediaType, String member) throws IOException {
        MessageDigest md = Digest.sha256();
        long size = 0;
        try (InputStream in = files.open(member)) {
            byte[] buf = new byte[64 << 10];
            int r;
            while ((r = in.read(buf)) > 0) {
                md.update(buf, 0, r);
                size += r;
            }
        } catch (NoSuchFileException e) {
            throw new OciException(name + ": manifest.json names " + member + ", which is not in the archive");
        }
        Digest d = Digest.of(md);
        members.put(d, member);
        return json.createObjectNode()
                .put("mediaType", mediaType)
                .put("size", size)
                .put("digest", d.toString());
    }

    /** The layer's type by its magic bytes: docker save writes plain tars, other tools may not. */
    private String layerType(String member) throws IOException {
        byte[] magic;
        try (InputStream in = files.open(member)) {
            magic = in.readNBytes(4);
        } catch (NoSuchFileException e) {
            throw new OciException(name + ": manifest.json names " + member + ", which is not in the archive");
        }
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return LAYER_GZIP;
        }
        if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5) {
            return LAYER_ZSTD;
        }
        return LAYER_TAR;
    }
}
