package dev.wisp.control;

import dev.wisp.common.FileTrees;
import dev.wisp.image.ImageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Images: {@code POST /v1/images} (a tar streamed to disk by the server, then unpacked and checked
 * here), list, get, delete. An image's id is derived from the bytes received ({@link ImageArchive}),
 * so image folders can be shared by content between tenants; but an id names an image only within
 * a tenant that holds a record of it (another tenant gets 404), and the folder goes when the last
 * record does and no function runs from it.
 *
 * @param functionImages ids of the images functions run from (built into the same store)
 */
record ImagesApi(Registry registry, ImageStore images, Supplier<Set<String>> functionImages) {
    void register(ApiRoutes r) {
        r.add("GET", "/v1/images", (c, who, p) -> list(who));
        r.add("POST", "/v1/images", (c, who, p) -> upload(c, who));
        r.add(
                "GET",
                "/v1/images/{id}",
                (c, who, p) -> Reply.json(200, view(existing(who, p.get("id")), registry.services(who.tenant()))));
        r.add("DELETE", "/v1/images/{id}", (c, who, p) -> delete(who, p.get("id")));
        r.add("GET", "/v1/images/{id}/files/{file}", (c, who, p) -> file(who, p.get("id"), p.get("file")));
    }

    /**
     * One file of an image stored on this node, for another node that lacks it (admin only: nodes
     * fetch with their admin token). The receiver derives the id from the bytes again.
     */
    private Reply file(Caller who, String id, String file) {
        who.requireAdmin();
        if (file == null || !ImageArchive.isImageFile(file)) {
            throw ApiException.notFound("an image holds only " + new java.util.TreeSet<>(ImageArchive.FILES));
        }
        Path path = id != null && id.matches("[0-9a-f]{16}")
                ? images.get(id).map(img -> img.dir().resolve(file)).orElse(null)
                : null;
        if (path == null || !Files.isRegularFile(path)) {
            throw ApiException.notFound("no image '" + Names.shorten(id) + "' file '" + file + "' on this node");
        }
        try {
            if (Files.size(path) > ImageFetch.MAX_FILE_BYTES) {
                throw new ApiException(
                        413,
                        "payload_too_large",
                        file + " of image " + id + " is over " + ImageFetch.MAX_FILE_BYTES / (1024 * 1024)
                                + " MiB: push the image to each node instead");
            }
            return Reply.bytes("application/octet-stream", Files.readAllBytes(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tenant's record of an image; 404 for an id the tenant never uploaded, like any foreign resource. */
    private ImageRecord existing(Caller who, String id) {
        Optional<ImageRecord> rec = id != null && id.matches("[0-9a-f]{16}")
                ? registry.get(Registry.imageKey(who.tenant(), id), ImageRecord.class)
                : Optional.empty();
        return rec.orElseThrow(() -> ApiException.notFound("no image '" + Names.shorten(id) + "'"));
    }

    private Reply list(Caller who) {
        List<Shapes.ImageView> items = new ArrayList<>();
        List<ServiceRecord> services = registry.services(who.tenant());
        for (ImageRecord img : registry.images(who.tenant())) {
            items.add(view(img, services));
        }
        return ServicesApi.items(items);
    }

    private Shapes.ImageView view(ImageRecord img, List<ServiceRecord> services) {
        List<String> used = new ArrayList<>();
        for (ServiceRecord s : services) {
            if (registry.revisions(s.tenant(), s.name()).stream()
                    .anyMatch(r -> r.image().equals(img.id()))) {
                used.add(s.name());
            }
        }
        return new Shapes.ImageView(img.id(), img.tenant(), img.sizeBytes(), img.createdAt(), used);
    }

    private Reply upload(Call c, Caller who) {
        if (c.bodyFile() == null) {
            throw ApiException.badRequest("the body must be the image as a tar (Content-Type: application/x-tar)");
        }
        Path staging;
        try {
            DataDirectory.createDirectories(images.root());
            staging = Files.createDirectory(
                    images.root().resolve(".upload-" + UUID.randomUUID()), DataDirectory.DIR_ATTR);
        } catch (IOException e) {
            ApiException full = DiskFull.find(e, images.root());
            throw full != null ? full : new UncheckedIOException(e);
        }
        try {
            ImageArchive.Manifest m = ImageArchive.unpack(c.bodyFile(), staging);
            boolean moved = !Files.isDirectory(images.root().resolve(m.id()));
            try {
                // Moved into place, or dropped if the same bytes are stored already (same id, same digest).
                m.addTo(images, staging, "upload");
            } catch (IllegalStateException e) {
                throw ApiException.conflict(e.getMessage());
            }
            ImageRecord rec = new ImageRecord(m.id(), who.tenant(), m.sizeBytes(), registry.now());
            boolean created;
            try {
                created = record(who, m.id(), rec);
            } catch (RuntimeException e) {
                // Not recorded (a full store disk, a quota): an image folder nobody holds would only take space.
                if (moved && registry.allImages().stream().noneMatch(i -> i.id().equals(m.id()))) {
                    images.delete(m.id());
                }
                throw e;
            }
            ImageRecord stored = registry.get(Registry.imageKey(who.tenant(), m.id()), ImageRecord.class)
                    .orElse(rec);
            return Reply.json(created ? 201 : 200, view(stored, registry.services(who.tenant())));
        } catch (IOException e) {
            ApiException full = DiskFull.find(e, images.root());
            throw full != null ? full : ApiException.badRequest("bad image archive: " + e.getMessage());
        } catch (UncheckedIOException e) {
            ApiException full = DiskFull.find(e, images.root());
            throw full != null ? full : e;
        } finally {
            FileTrees.deleteQuietly(staging); // best effort; a later start sweeps leftovers
        }
    }

    /**
     * Records an image the server built into the store (a pull) for the tenant: 201, or 200 if the
     * tenant had it; an image nobody else holds goes again when recording fails (a quota).
     */
    Reply recordBuilt(Caller who, dev.wisp.image.Image image) {
        ImageRecord rec = new ImageRecord(
                image.id(), who.tenant(), image.initrdBytes() + image.diskBytes() + image.layerBytes(), registry.now());
        boolean created;
        try {
            created = record(who, image.id(), rec);
        } catch (RuntimeException e) {
            if (registry.allImages().stream().noneMatch(i -> i.id().equals(image.id()))
                    && !functionImages.get().contains(image.id())) {
                images.delete(image.id());
            }
            throw e;
        }
        ImageRecord stored = registry.get(Registry.imageKey(who.tenant(), image.id()), ImageRecord.class)
                .orElse(rec);
        return Reply.json(created ? 201 : 200, view(stored, registry.services(who.tenant())));
    }

    /** Records the tenant's image; false if it had it already. */
    private boolean record(Caller who, String id, ImageRecord rec) {
        return registry.write(tx -> {
            if (tx.get(Registry.imageKey(who.tenant(), id), ImageRecord.class).isPresent()) {
                return false;
            }
            Quota q = Quotas.quotaOf(tx, who.tenant());
            Quotas.checkImages(
                    tx.range(Registry.IMAGES + who.tenant() + "/", ImageRecord.class)
                                    .size()
                            + 1,
                    q);
            Registry.touchTenant(tx, who.tenant());
            tx.put(Registry.imageKey(who.tenant(), id), rec);
            return true;
        });
    }

    private Reply delete(Caller who, String id) {
        if (id == null || !id.matches("[0-9a-f]{16}")) {
            throw ApiException.notFound("no image '" + Names.shorten(id) + "'");
        }
        registry.write(tx -> {
            if (tx.get(Registry.imageKey(who.tenant(), id), ImageRecord.class).isEmpty()) {
                throw ApiException.notFound("no image '" + id + "'");
            }
            for (ServiceRecord s : tx.range(Registry.SERVICES + who.tenant() + "/", ServiceRecord.class)) {
                for (RevisionRecord r :
                        tx.range(Registry.revisionsPrefix(who.tenant(), s.name()), RevisionRecord.class)) {
                    if (r.image().equals(id)) {
                        throw ApiException.conflict("image " + id + " is used by revision " + r.number()
                                + " of service '" + s.name() + "'");
                    }
                }
            }
            Registry.touchTenant(tx, who.tenant());
            tx.delete(Registry.imageKey(who.tenant(), id));
            return null;
        });
        if (registry.allImages().stream().noneMatch(i -> i.id().equals(id))
                && !functionImages.get().contains(id)) {
            images.delete(id);
        }
        return Reply.noContent();
    }
}
