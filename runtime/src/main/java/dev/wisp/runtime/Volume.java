package dev.wisp.runtime;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A persistent volume attached to one VM: a raw ext4 disk file on the host, attached read-write
 * as a virtio-blk disk whose serial is {@code wisp-volN} and mounted by the guest init at {@code
 * mountPath} (with {@code sync}, so a write the app saw succeed is in the file even if the VM is
 * then stopped or its standby snapshot discarded). A volume must be attached to at most one live
 * VM at a time: the node sees to that (two guests mounting one ext4 disk corrupt it).
 *
 * @param name      the volume's name (for messages)
 * @param file      the disk file on the host
 * @param mountPath an absolute guest path such as {@code /data}
 */
public record Volume(String name, Path file, String mountPath) {
    /** Volumes one VM may have (virtio-mmio slots are few on microvm). */
    public static final int MAX_PER_VM = 4;

    /** Where the guest's own files are: a volume on (or, but for /app, under) one would hide them. */
    private static final Set<String> RESERVED =
            Set.of("/proc", "/sys", "/dev", "/wisp", "/app", "/bin", "/sbin", "/lib", "/usr", "/etc", "/run", "/tmp");

    private static final Pattern MOUNT_PATH = Pattern.compile("/[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

    public Volume {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        String problem = mountPathProblem(mountPath);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** Why {@code path} cannot be a volume's mount path, or null if it can. */
    public static String mountPathProblem(String path) {
        if (path == null || !MOUNT_PATH.matcher(path).matches() || path.length() > 200) {
            return "volume path must be an absolute path of letters, digits, '.', '_', '-' and '/' (such as /data), was '"
                    + (path == null ? "" : path.substring(0, Math.min(path.length(), 60))) + "'";
        }
        for (String part : path.substring(1).split("/")) {
            if (part.equals(".") || part.equals("..")) {
                return "volume path must not hold '.' or '..': " + path;
            }
        }
        String top = "/" + path.substring(1).split("/")[0];
        if (RESERVED.contains(top) && (path.equals(top) || !top.equals("/app"))) {
            return "volume path " + path + " would hide the guest's " + top;
        }
        return null;
    }
}
