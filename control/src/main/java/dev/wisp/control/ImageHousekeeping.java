package dev.wisp.control;

import dev.wisp.common.FileTrees;
import dev.wisp.image.ImageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What a control plane tidies in its image store at start. */
final class ImageHousekeeping {
    private static final System.Logger LOG = System.getLogger(ImageHousekeeping.class.getName());

    private ImageHousekeeping() {}

    /**
     * Images stored before ids covered every byte (and were derived by the server) cannot be
     * trusted: an upload could have claimed another tenant's id. They are moved aside and every
     * tenant's record of them dropped; revisions that used them fail until deployed with the image
     * pushed again.
     */
    static void retireLegacyImages(Registry registry, ImageStore images) {
        List<String> retired = images.retireLegacy();
        for (String id : retired) {
            for (ImageRecord rec : registry.allImages()) {
                if (rec.id().equals(id)) {
                    registry.write(tx -> {
                        tx.delete(Registry.imageKey(rec.tenant(), id));
                        return null;
                    });
                }
            }
            LOG.log(
                    System.Logger.Level.WARNING,
                    "image " + id + " was stored before image ids covered every byte;"
                            + " moved to " + images.root().resolve(".legacy-" + id + "-*") + " and no longer served:"
                            + " build and push it again (wisp image push), then deploy it");
        }
    }

    static void sweepStaging(Path imagesRoot) {
        if (!Files.isDirectory(imagesRoot)) {
            return;
        }
        try (var dirs = Files.list(imagesRoot)) {
            dirs.filter(d -> d.getFileName().toString().startsWith(".upload-")).forEach(FileTrees::deleteQuietly);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot sweep " + imagesRoot + ": " + e);
        }
    }
}
