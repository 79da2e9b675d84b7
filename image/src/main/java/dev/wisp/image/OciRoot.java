package dev.wisp.image;

import dev.wisp.oci.RootFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Readies a pulled image's root for the guest before it becomes a disk: the folders init mounts on
 * ({@code /proc}, {@code /sys}, {@code /dev}, {@code /run}, {@code /tmp}), the working directory
 * (Docker makes it too), and {@code /etc/hosts} and {@code /etc/resolv.conf} for the guest's network,
 * as a container runtime provides them. Nothing is written through a symlink: where the image has
 * one, it is left as it is.
 */
final class OciRoot {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final List<String> MOUNT_POINTS = List.of("proc", "sys", "dev", "run", "tmp");

    private OciRoot() {}

    static void prepare(Path root, String workdir) throws IOException {
        for (String d : MOUNT_POINTS) {
            Path p = root.resolve(d);
            if (!Files.exists(p, NOFOLLOW)) {
                Files.createDirectory(p);
                Files.setAttribute(p, "unix:mode", d.equals("tmp") ? 01777 : 0755, NOFOLLOW);
            }
        }
        makeDirs(root, workdir);
        Path etc = root.resolve("etc");
        if (!Files.exists(etc, NOFOLLOW)) {
            Files.createDirectory(etc);
            Files.setAttribute(etc, "unix:mode", 0755, NOFOLLOW);
        }
        if (Files.isDirectory(etc, NOFOLLOW)) {
            replace(etc.resolve("hosts"), "127.0.0.1 localhost\n::1 localhost\n");
            // slirp's resolver; used only when the host lets the guest reach it
            replace(etc.resolve("resolv.conf"), "nameserver 10.0.2.3\n");
        }
    }

    /** Makes the folders of an absolute path in the image, stopping at a symlink or a file. */
    private static void makeDirs(Path root, String absolute) throws IOException {
        Path p = root;
        for (String part : absolute.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                return; // the guest resolves it; nothing to make here
            }
            p = p.resolve(part);
            if (!Files.exists(p, NOFOLLOW)) {
                Files.createDirectory(p);
                Files.setAttribute(p, "unix:mode", 0755, NOFOLLOW);
            } else if (!Files.isDirectory(p, NOFOLLOW)) {
                return;
            }
        }
    }

    private static void replace(Path file, String text) throws IOException {
        if (Files.isSymbolicLink(file) || Files.isDirectory(file, NOFOLLOW)) {
            return;
        }
        Files.deleteIfExists(file);
        Files.writeString(file, text);
        Files.setAttribute(file, "unix:mode", 0644, NOFOLLOW);
    }

    /**
     * As {@link #prepare}, for a stacked image: what the layers ({@code view}) lack is made in
     * {@code top}, the image's own top layer; a folder it needs that a layer has gets that
     * layer's mode and owner (overlayfs shows the top one's).
     *
     * @return owners, by relative path, of what was made in {@code top} not owned by root
     */
    static Map<String, RootFs.Owner> prepareTop(Path top, String workdir, LayerView view) throws IOException {
        Map<String, RootFs.Owner> owners = new TreeMap<>();
        LayerView.Entry root = view.get("");
        Files.setAttribute(top, "unix:mode", root != null ? root.mode() : 0755, NOFOLLOW);
        for (String d : MOUNT_POINTS) {
            if (view.get(d) == null) {
                Path p = Files.createDirectory(top.resolve(d));
                Files.setAttribute(p, "unix:mode", d.equals("tmp") ? 01777 : 0755, NOFOLLOW);
            }
        }
        String rel = "";
        for (String part : workdir.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                break;
            }
            rel = rel.isEmpty() ? part : rel + "/" + part;
            LayerView.Entry e = view.get(rel);
            if (e == null) {
                topDir(top, rel, view, owners);
            } else if (e.type() != 'd') {
                break;
            }
        }
        LayerView.Entry etc = view.get("etc");
        if (etc == null || etc.type() == 'd') {
            topDir(top, "etc", view, owners);
            for (String[] f : List.of(
                    new String[] {"hosts", "127.0.0.1 localhost\n::1 localhost\n"},
                    new String[] {"resolv.conf", "nameserver 10.0.2.3\n"})) {
                LayerView.Entry e = view.get("etc/" + f[0]);
                if (e == null || e.type() == 'f') {
                    replace(top.resolve("etc").resolve(f[0]), f[1]);
                }
            }
        }
        return owners;
    }

    /** Makes folder {@code rel} and its parents in {@code top}, with the layers' modes and owners where they have them. */
    private static void topDir(Path top, String rel, LayerView view, Map<String, RootFs.Owner> owners)
            throws IOException {
        String at = "";
        for (String part : rel.split("/")) {
            at = at.isEmpty() ? part : at + "/" + part;
            Path p = top.resolve(at);
            if (Files.isDirectory(p, NOFOLLOW)) {
                continue;
            }
            LayerView.Entry e = view.get(at);
            Files.createDirectory(p);
            Files.setAttribute(p, "unix:mode", e != null ? e.mode() : 0755, NOFOLLOW);
            if (e != null && (e.uid() != 0 || e.gid() != 0)) {
                owners.put(at, new RootFs.Owner(e.uid(), e.gid()));
            }
        }
    }
}
