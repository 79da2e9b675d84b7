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
 *               too when the pull ran as root and applied every layer to one root
 * @param xattrs extended attributes by path (relative, no leading slash) and name, to set in the disk
 *               only: they are never set on the host's copy
 * @param notes  what was skipped (device nodes, FIFOs, xattrs ext4 would not keep), one line each
 * @param whiteouts paths a layer unpacked on its own deletes from the layers below it (overlayfs
 *               whiteouts to make); empty for a root with every layer applied
 * @param opaque folders such a layer makes opaque (hiding what lower layers have in them)
 */
public record RootFs(
        Path root,
        long files,
        long bytes,
        Map<String, Owner> owners,
        Map<String, Map<String, byte[]>> xattrs,
        List<String> notes,
        List<String> whiteouts,
        List<String> opaque) {

    /** A numeric owner. */
    public record Owner(int uid, int gid) {}

    public RootFs {
        owners = Map.copyOf(owners);
        xattrs = Map.copyOf(xattrs);
        notes = List.copyOf(notes);
        whiteouts = List.copyOf(whiteouts);
        opaque = List.copyOf(opaque);
    }
}
