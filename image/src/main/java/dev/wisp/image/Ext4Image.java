package dev.wisp.image;

import dev.wisp.common.FileTrees;
import dev.wisp.oci.RootFs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ObjLongConsumer;
import java.util.stream.Stream;

/**
 * Builds a read-only app disk with {@code mkfs.ext4 -d}, reproducibly: the same files give the same
 * disk bytes on the same machine (the image id covers them). e2fsprogs copies each file's atime,
 * mtime and ctime, so it reads a copy whose atime and mtime are zero, and debugfs then zeroes the
 * ctimes (the host sets those to the copy's time). It also lays files out in the order the host
 * file system lists them, which differs between machines, so ids of disk images are not
 * portable between hosts (an upload is still verified: the server hashes what it received).
 */
final class Ext4Image {
    /** The label of a disk that is an image's whole root (layered images label each disk). */
    static final String LABEL = "wisp-app";

    private static final ObjLongConsumer<String> NO_TIMES = (step, nanos) -> {};

    private Ext4Image() {}

    /**
     * What a build sets in the file system with debugfs rather than on host files, so a build needs
     * no root rights, the copy's owner does not matter and file capabilities reach the disk without
     * ever being set on a host file.
     *
     * @param owners numeric owner of each path (relative to the source, no leading slash) not owned by root
     * @param xattrs extended attributes by path (likewise) and name
     */
    record Attributes(Map<String, RootFs.Owner> owners, Map<String, Map<String, byte[]>> xattrs) {
        /** Root owns everything, no extended attributes. */
        static final Attributes NONE = new Attributes(Map.of(), Map.of());

        /** Those an unpacked OCI root or layer carries. */
        static Attributes of(RootFs root) {
            return new Attributes(root.owners(), root.xattrs());
        }
    }

    /**
     * @param source the folder to copy into the file system's root
     * @param seed 32 hex digits that fix the UUID and directory hash seed, so the same content
     *     gives the same disk
     * @param scratch a folder on a disk with room for a copy of {@code source}
     */
    static void build(Path source, Path image, String seed, Path scratch) {
        build(source, image, seed, scratch, Attributes.NONE);
    }

    /** As {@link #build(Path, Path, String, Path)}, with owners and extended attributes. */
    static void build(Path source, Path image, String seed, Path scratch, Attributes attributes) {
        Path copy = scratch.resolve(".disk-source");
        try {
            long content = FileTrees.size(source);
            int entries = timelessCopy(source, copy);
            build(copy, content, entries, image, seed, LABEL, scratch, attributes, "", NO_TIMES);
        } finally {
            FileTrees.delete(copy);
        }
    }

    /**
     * As {@link #build(Path, Path, String, Path, Map, Map)}, from a folder the caller throws away
     * after: its times are zeroed where it is rather than in a copy (an image's root is as large as
     * the image, so the copy was most of the disk's cost). Sockets, devices and FIFOs must not be in it.
     */
    static void buildFromScratchTree(Path source, Path image, String seed, Path scratch, Attributes attributes) {
        // sized before the times are zeroed: walking a folder again would set its atime to now
        long content = FileTrees.size(source);
        build(source, content, zeroTimes(source), image, seed, LABEL, scratch, attributes, "", NO_TIMES);
    }

    /**
     * As {@link #buildFromScratchTree}, for one layer of a stacked image: its whiteouts become
     * overlayfs whiteouts (character devices 0/0, made by debugfs, so no host rights are needed),
     * its opaque folders get {@code trusted.overlay.opaque=y}.
     *
     * @param label the file system label the guest's init finds the disk by (at most 16 bytes)
     */
    static void buildLayer(Path image, String seed, String label, Path scratch, RootFs layer) {
        // sized before the times are zeroed: walking a folder again would set its atime to now
        long content = FileTrees.size(layer.root());
        buildLayer(image, seed, label, scratch, layer, content, zeroTimes(layer.root()), NO_TIMES);
    }

    /**
     * As {@link #buildLayer(Path, String, String, Path, RootFs)}, for a layer whose times are zeroed
     * already ({@link LayerIndex#scan}), telling {@code times} what its steps took.
     *
     * @param content bytes of the layer's files
     * @param entries entries below the layer's root
     */
    static void buildLayer(
            Path image,
            String seed,
            String label,
            Path scratch,
            RootFs layer,
            long content,
            int entries,
            ObjLongConsumer<String> times) {
        StringBuilder overlay = new StringBuilder();
        for (String w : layer.whiteouts()) {
            // debugfs mknod takes a name in its current folder, not a path
            int slash = w.lastIndexOf('/');
            overlay.append("cd \"/")
                    .append(quotable(slash < 0 ? "" : w.substring(0, slash)))
                    .append("\"\nmknod \"")
                    .append(quotable(w.substring(slash + 1)))
                    .append("\" c 0 0\ncd /\n");
        }
        for (String o : layer.opaque()) {
            overlay.append("ea_set \"").append(quotable("/" + o)).append("\" trusted.overlay.opaque y\n");
        }
        build(layer.root(), content, entries, image, seed, label, scratch, Attributes.of(layer), overlay, times);
    }

    private static void build(
            Path source,
            long content,
            int entries,
            Path image,
            String seed,
            String label,
            Path scratch,
            Attributes attributes,
            CharSequence extra,
            ObjLongConsumer<String> times) {
        // Room for metadata and small files' block rounding; ext4 needs a few MiB at least.
        long size = roundUp(content + content / 4 + (16L << 20), 1L << 20);
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String uuid = seed.substring(0, 8) + "-" + seed.substring(8, 12) + "-" + seed.substring(12, 16) + "-"
                + seed.substring(16, 20) + "-" + seed.substring(20, 32);
        Path commands = scratch.resolve(".disk-ctimes");
        Path values = scratch.resolve(".disk-xattrs");
        try {
            long t0 = System.nanoTime();
            mkfs(source, image, uuid, label);
            long t1 = System.nanoTime();
            times.accept("mkfs", t1 - t0);
            // Inodes in use: the root (2), lost+found (11), then one per entry from 12 in mkfs's order.
            StringBuilder cmds = new StringBuilder();
            for (Map.Entry<String, RootFs.Owner> o : new TreeMap<>(attributes.owners()).entrySet()) {
                String path = "/" + o.getKey();
                if (path.indexOf('"') >= 0 || path.indexOf('\n') >= 0) {
                    throw new ImageBuildException("cannot give " + path + " its owner: a quote or newline in the name");
                }
                cmds.append("sif \"")
                        .append(path)
                        .append("\" uid ")
                        .append(o.getValue().uid())
                        .append('\n');
                cmds.append("sif \"")
                        .append(path)
                        .append("\" gid ")
                        .append(o.getValue().gid())
                        .append('\n');
            }
            int n = 0;
            for (Map.Entry<String, Map<String, byte[]>> x : new TreeMap<>(attributes.xattrs()).entrySet()) {
                String path = quotable("/" + x.getKey());
                for (Map.Entry<String, byte[]> a : new TreeMap<>(x.getValue()).entrySet()) {
                    // values are binary (a file capability): debugfs reads each from its own file
                    Path value = Files.createDirectories(values).resolve(String.valueOf(n++));
                    Files.write(value, a.getValue());
                    cmds.append("ea_set -f \"")
                            .append(value)
                            .append("\" \"")
                            .append(path)
                            .append("\" ")
                            .append(quotable(a.getKey()))
                            .append('\n');
                }
            }
            cmds.append("sif <2> ctime 0\nsif <11> ctime 0\n");
            for (int i = 12; i < 12 + entries; i++) {
                cmds.append("sif <").append(i).append("> ctime 0\n");
            }
            // after the ctimes: whiteouts are new inodes, made with the fake time already
            cmds.append(extra);
            Files.writeString(commands, cmds);
            Commands.run(
                    "debugfs",
                    null,
                    Map.of("E2FSPROGS_FAKE_TIME", "1"),
                    List.of("debugfs", "-w", "-f", commands.toString(), image.toString()));
            times.accept("debugfs", System.nanoTime() - t1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            FileTrees.delete(commands);
            FileTrees.delete(values);
        }
    }

    private static String quotable(String s) {
        if (s.indexOf('"') >= 0 || s.indexOf('\n') >= 0) {
            throw new ImageBuildException("cannot set the xattrs of " + s + ": a quote or newline in the name");
        }
        return s;
    }

    private static void mkfs(Path source, Path image, String uuid, String label) {
        List<String> cmd = new ArrayList<>(List.of("mkfs.ext4", "-q", "-F", "-t", "ext4", "-m", "0"));
        cmd.addAll(List.of("-L", label, "-U", uuid));
        // the same bytes from the same tree: directory hashes seeded by the uuid, every inode table
        // written now rather than lazily
        cmd.addAll(List.of("-E", "hash_seed=" + uuid + ",root_owner=0:0,lazy_itable_init=0", "-O", "^has_journal"));
        cmd.addAll(List.of("-d", source.toString(), image.toString()));
        Commands.run(
                "mkfs.ext4",
                null,
                Map.of("E2FSPROGS_FAKE_TIME", "1", "SOURCE_DATE_EPOCH", "1", "MKE2FS_CONFIG", "/etc/mke2fs.conf"),
                cmd);
    }

    /**
     * Copies files, folders and symlinks with their permissions, atime and mtime set to the epoch.
     *
     * Hard links among the files stay links.
     *
     * @return how many inodes were made below {@code target}
     */
    static int timelessCopy(Path source, Path target) {
        FileTime zero = FileTime.fromMillis(0);
        List<Path> made = new ArrayList<>();
        Map<Path, Integer> modes = new HashMap<>();
        Map<Object, Path> linked = new HashMap<>();
        int inodes = 0;
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path p : walk.sorted().toList()) {
                Path to = target.resolve(source.relativize(p).toString());
                int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
                if (Files.isSymbolicLink(p)) {
                    Files.createSymbolicLink(to, Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectory(to);
                    modes.put(to, mode);
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    // hard links stay links (mkfs.ext4 -d keeps them): one inode, one copy
                    Object key = (Integer) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS) > 1
                            ? Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS)
                            : null;
                    Path first = key == null ? null : linked.putIfAbsent(key, to);
                    if (first != null) {
                        Files.createLink(to, first);
                        made.add(to);
                        continue;
                    }
                    Files.copy(p, to, LinkOption.NOFOLLOW_LINKS);
                    modes.put(to, mode);
                } else {
                    continue; // sockets and devices have no place in an image
                }
                made.add(to);
                inodes++;
            }
            // Children first: creating or touching an entry changes its folder's times.
            for (Path p : made.reversed()) {
                Integer mode = modes.get(p);
                if (mode != null) {
                    Files.setAttribute(p, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
                }
                Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(zero, zero, null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return inodes - 1;
    }

    /**
     * Sets atime and mtime of everything below {@code root} (and its own) to the epoch, children
     * before their folder, symlinks themselves.
     *
     * @return how many entries there are below {@code root}
     */
    static int zeroTimes(Path root) {
        FileTime zero = FileTime.fromMillis(0);
        List<Path> all;
        try (Stream<Path> walk = Files.walk(root)) {
            all = walk.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            // walk lists a folder before what it holds: reversed, children come first
            for (Path p : all.reversed()) {
                Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(zero, zero, null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all.size() - 1;
    }

    private static long roundUp(long n, long unit) {
        return (n + unit - 1) / unit * unit;
    }
}
