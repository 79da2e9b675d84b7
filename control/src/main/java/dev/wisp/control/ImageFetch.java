package dev.wisp.control;

import dev.wisp.cluster.Member;
import dev.wisp.cluster.Membership;
import dev.wisp.cluster.NodeRecord;
import dev.wisp.common.FileTrees;
import dev.wisp.image.ImageStore;
import dev.wisp.store.StateStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Brings an image a node was assigned to run but lacks from another node that has it, by its
 * content address: each file through {@code GET /v1/images/{id}/files/{file}} of a live node's
 * API (with this node's admin token: any admin token works on every node), then the id derived
 * again from the bytes that arrived, exactly as for an upload. Files over {@link #MAX_FILE_BYTES}
 * are not sent this way (push such an image to each node).
 */
record ImageFetch(StateStore store, ImageStore images, String self, Path tokenFile) {
    private static final System.Logger LOG = System.getLogger(ImageFetch.class.getName());
    /** Largest image file one node sends another: it travels in one API answer. */
    static final long MAX_FILE_BYTES = 128L * 1024 * 1024;

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Whether the image is here now (fetched if it was not); false after every live node failed. */
    boolean ensure(String id) {
        if (images.get(id).isPresent()) {
            return true;
        }
        for (Member m : Membership.list(store)) {
            NodeRecord n = m.node();
            if (m.state() == Member.State.LOST || n.name().equals(self)) {
                continue;
            }
            String host = n.address().contains(":") ? "[" + n.address() + "]" : n.address();
            try {
                fetch(id, "http://" + host + ":" + n.apiPort());
                LOG.log(System.Logger.Level.INFO, "image {0} fetched from node {1}", id, n.name());
                return true;
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "image " + id + " not fetched from " + n.name() + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        LOG.log(System.Logger.Level.WARNING, "image " + id + " is on no live node that answered: cannot run it here");
        return false;
    }

    private void fetch(String id, String api) throws IOException, InterruptedException {
        String token = Files.readString(tokenFile).trim();
        Files.createDirectories(images.root());
        Path staging =
                Files.createDirectory(images.root().resolve(".upload-" + UUID.randomUUID()), DataDirectory.DIR_ATTR);
        try {
            for (String file : List.of("image.json", "initrd.img")) {
                if (!download(api, token, id, file, staging)) {
                    throw new IOException(file + ": HTTP 404");
                }
            }
            download(api, token, id, "disk.ext4", staging); // an image may have no disk
            // a stacked image's layer disks: layer-0.ext4 up, until the peer has no more
            for (int i = 0; i < 100; i++) {
                if (!download(api, token, id, dev.wisp.image.Image.layerFile(i), staging)) {
                    break;
                }
            }
            ImageArchive.Manifest m = ImageArchive.checkFolder(staging);
            if (!m.id().equals(id)) {
                throw new IOException("the files sent for image " + id + " make image " + m.id());
            }
            m.addTo(images, staging, "peer");
        } finally {
            FileTrees.deleteQuietly(staging);
        }
    }

    /** Fetches one of the image's files into {@code staging}: true, or false if the peer has no such file. */
    private boolean download(String api, String token, String id, String file, Path staging)
            throws IOException, InterruptedException {
        HttpResponse<Path> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(api + "/v1/images/" + id + "/files/" + file))
                        .header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofMinutes(2))
                        .build(),
                HttpResponse.BodyHandlers.ofFile(staging.resolve(file)));
        if (r.statusCode() == 404) {
            Files.deleteIfExists(staging.resolve(file));
            return false;
        } else if (r.statusCode() != 200) {
            throw new IOException(file + ": HTTP " + r.statusCode());
        }
        return true;
    }
}
