package dev.wisp.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** An OCI image layout directory ({@code oci:DIR[:tag]}): index.json plus blobs/sha256/. */
final class OciLayout implements ImageSource {
    private final Path dir;
    private final ObjectMapper json = new ObjectMapper();

    OciLayout(Path dir) {
        this.dir = dir;
        if (!Files.isRegularFile(dir.resolve("index.json")) || !Files.isRegularFile(dir.resolve("oci-layout"))) {
            throw new OciException("oci:" + dir + " is not an OCI image layout (no oci-layout and index.json there)");
        }
    }

    @Override
    public String describe() {
        return "oci:" + dir;
    }

    @Override
    public RawManifest manifest(String reference) throws IOException {
        if (reference != null && reference.startsWith("sha256:")) {
            Digest d = Digest.parse(reference);
            byte[] bytes = read(d);
            return new RawManifest(bytes, "", d);
        }
        byte[] indexBytes = Files.readAllBytes(dir.resolve("index.json"));
        JsonNode index = json.readTree(indexBytes);
        List<Descriptor> all = new ArrayList<>();
        for (JsonNode m : index.path("manifests")) {
            all.add(Descriptor.from(m, describe() + " index.json"));
        }
        Descriptor pick = null;
        if (reference == null) {
            if (all.size() == 1) {
                pick = all.get(0);
            } else {
                // several images and no tag: the index itself (a platform is picked from it)
                return new RawManifest(indexBytes, MediaTypes.OCI_INDEX, Digest.of(indexBytes));
            }
        } else {
            for (Descriptor d : all) {
                if (reference.equals(d.refName())) {
                    pick = d;
                    break;
                }
            }
        }
        if (pick == null) {
            List<String> tags =
                    all.stream().map(Descriptor::refName).filter(t -> t != null).toList();
            throw new OciException("image not found: " + describe() + " has no tag '" + reference + "' (tags: "
                    + (tags.isEmpty() ? "none" : String.join(", ", tags)) + ")");
        }
        byte[] bytes = read(pick.digest());
        Digest got = Digest.of(bytes);
        if (!got.equals(pick.digest())) {
            throw new OciException(describe() + ": manifest " + pick.digest() + " has digest " + got + " on disk");
        }
        return new RawManifest(bytes, pick.mediaType(), got);
    }

    @Override
    public InputStream blob(Descriptor d) throws IOException {
        try {
            return Files.newInputStream(
                    dir.resolve("blobs").resolve("sha256").resolve(d.digest().hex()));
        } catch (NoSuchFileException e) {
            throw new OciException(describe() + " has no blob " + d.digest());
        }
    }

    private byte[] read(Digest d) throws IOException {
        Path p = dir.resolve("blobs").resolve("sha256").resolve(d.hex());
        if (!Files.isRegularFile(p)) {
            throw new OciException("image not found: " + describe() + " has no manifest " + d);
        }
        if (Files.size(p) > RegistryClient.MAX_MANIFEST_BYTES) {
            throw new OciException(
                    describe() + ": manifest " + d + " is larger than " + RegistryClient.MAX_MANIFEST_BYTES + " bytes");
        }
        return Files.readAllBytes(p);
    }
}
