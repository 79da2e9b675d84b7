package dev.wisp.image;

import dev.wisp.oci.Digest;
import dev.wisp.oci.ImagePuller;
import dev.wisp.oci.ImageReference;
import dev.wisp.oci.PulledLayers;
import dev.wisp.oci.RootFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Stages a stacked OCI image: its layers as shared read-only disks ({@link LayerDisks}, made only
 * for chains not made before), hard-linked into the staging as {@code layer-N.ext4}, and the
 * image's own small top disk ({@code disk.ext4}: the mount points, working directory, hosts and
 * resolv.conf of {@link OciRoot}). The guest's init stacks them with overlayfs, a tmpfs on top.
 *
 * @param pulled      what was pulled
 * @param run         how the app runs
 * @param layerSha256 SHA-256 of each layer disk, bottom first
 */
record StackedOci(PulledLayers pulled, OciRun run, List<String> layerSha256) {
    /** The label of a stacked image's own top disk. */
    static final String TOP_LABEL = "wisp-top";

    static StackedOci stage(
            ImageReference ref,
            ImagePuller puller,
            LayerDisks disks,
            Path staging,
            Path layerScratch,
            List<String> entrypoint,
            List<String> cmd,
            Integer port)
            throws IOException {
        PulledLayers pulled = puller.pullLayers(ref, layerScratch, disks, LayerDisks.MAX_LAYERS);
        List<LayerIndex> indexes = new ArrayList<>();
        for (Digest chain : pulled.chainIds()) {
            indexes.add(disks.read(chain));
        }
        LayerView view = LayerView.of(indexes);
        Path probe = Files.createDirectories(staging.resolve(".probe/etc")).getParent();
        if (!pulled.config().user().isEmpty()) {
            for (String f : List.of("passwd", "group")) {
                LayerView.Entry e = view.get("etc/" + f);
                if (e != null && e.type() == 'f') {
                    Path from = disks.disk(pulled.chainIds().get(e.layer()));
                    Commands.run(
                            "debugfs",
                            List.of(
                                    "debugfs",
                                    "-R",
                                    "dump /etc/" + f + " " + probe.resolve("etc/" + f),
                                    from.toString()));
                }
            }
        }
        OciRun run = OciRun.of(ref.toString(), pulled.config(), probe, entrypoint, cmd, port);
        Path top = Files.createDirectory(staging.resolve(".top"));
        Map<String, RootFs.Owner> owners = OciRoot.prepareTop(top, run.workdir(), view);
        Ext4Image.buildLayer(
                staging.resolve(Image.DISK),
                pulled.manifestDigest().hex().substring(0, 32),
                TOP_LABEL,
                staging,
                new RootFs(top, 0, 0, owners, Map.of(), List.of(), List.of(), List.of()));
        List<String> shas = new ArrayList<>();
        for (int i = 0; i < indexes.size(); i++) {
            Path link = staging.resolve(Image.layerFile(i));
            Path disk = disks.disk(pulled.chainIds().get(i));
            try {
                Files.createLink(link, disk); // one file for every image on this layer
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(disk, link); // the store on another file system
            }
            shas.add(indexes.get(i).sha256());
        }
        return new StackedOci(pulled, run, shas);
    }

    /** {@code WISP_LAYERS} for the guest's init: the layer labels' suffixes, top first. */
    String initLayers() {
        List<String> names = new ArrayList<>();
        for (int i = layerSha256.size() - 1; i >= 0; i--) {
            names.add(LayerDisks.label(i).substring("wisp-".length()));
        }
        return String.join(" ", names);
    }
}
