package dev.wisp.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;

/**
 * An OCI image layout, index.json plus blobs/sha256/: a directory ({@code oci:DIR[:tag]}) or a tar
 * of one ({@code oci-archive:FILE[:tag]}), as skopeo and buildah write them.
 */
final class OciLayout implements ImageSource {
    private final LayoutFiles files;
    private final String name;
    private final ObjectMapper json = new ObjectMapper();

    /** @param name how the reference names it, e.g. {@code oci:DIR} */
    OciLayout(LayoutFiles files, String name) throws IOException {
        this.files = files;
        this.name = name;
        if (files.size("index.json") < 0 || files.size("oci-layout") < 0) {
            throw new OciException(name + " is not an OCI image layout (no oci-layout and index.json in it)");
        }
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public RawManifest manifest(String reference) throws IOException {
        if (reference != null && reference.startsWith("sha256:")) {
            Digest d = Digest.parse(reference);
            byte[] bytes = read(d);
            return new RawManifest(bytes, "", d);
        }
        byte[] indexBytes = files.readSmall("index.json", RegistryClient.MAX_MANIFEST_BYTES, name + " index.json");
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
            throw new OciException(
                    OciException.Kind.NOT_FOUND,
                    "image not found: " + describe() + " has no tag '" + reference + "' (tags: "
                            + (tags.isEmpty() ? "none" : String.join(", ", tags)) + ")",
                    null);
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
            return files.open(path(d.digest()));
        } catch (NoSuchFileException e) {
            throw new OciException(describe() + " has no blob " + d.digest());
        }
    }

    @Override
    public void close() throws IOException {
        files.close();
    }

    private static String path(Digest d) {
        return "blobs/sha256/" + d.hex();
    }

    private byte[] read(Digest d) throws IOException {
        if (files.size(path(d)) < 0) {
            throw new OciException(
                    OciException.Kind.NOT_FOUND, "image not found: " + describe() + " has no manifest " + d, null);
        }
        return files.readSmall(path(d), RegistryClient.MAX_MANIFEST_BYTES, describe() + ": manifest " + d);
    }
}
