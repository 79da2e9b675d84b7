package dev.wisp.oci;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An image's layers applied to a directory.
 *
 * @param root   the directory
 * @param files  entries extracted (over all layers, including ones later deleted)
 * @param bytes  regular-file bytes extracted (likewise)
 * @param owners owner of every path (relative, no leading slash) not owned by 0:0; applied to the files
 *               too when the pull ran as root, so {@code mkfs.ext4 -d} keeps them
 * @param notes  what was skipped (device nodes, FIFOs), one line each
 */
public record RootFs(Path root, long files, long bytes, Map<String, Owner> owners, List<String> notes) {

    /** A numeric owner. */
    public record Owner(int uid, int gid) {}

    public RootFs {
        owners = Map.copyOf(owners);
        notes = List.copyOf(notes);
    }
}
