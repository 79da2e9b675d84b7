package dev.wisp.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * An OCI {@code User} resolved against the image's own {@code /etc/passwd} and {@code /etc/group}
 * on the host, as Docker does in the container: {@code name}, {@code uid}, {@code name:group},
 * {@code uid:gid}; a user's groups from {@code /etc/group} become its supplementary groups; a
 * numeric uid the image does not list gets gid 0. The files are read only when they and
 * {@code /etc} are not symlinks (a link would resolve on the host, outside the image).
 *
 * @param uid    user id the app runs as
 * @param gid    its group id
 * @param groups supplementary group ids, sorted (the primary one included)
 * @param home   its home directory from passwd, "/" when unknown
 */
record ImageUser(int uid, int gid, List<Integer> groups, String home) {
    static final ImageUser ROOT = new ImageUser(0, 0, List.of(0), "/root");

    ImageUser {
        groups = List.copyOf(groups);
    }

    /** @throws IllegalArgumentException when a name is not in the image's files or an id is out of range */
    static ImageUser resolve(String spec, Path root) {
        if (spec == null || spec.isEmpty()) {
            spec = "0";
        }
        int colon = spec.indexOf(':');
        String userPart = colon < 0 ? spec : spec.substring(0, colon);
        String groupPart = colon < 0 ? null : spec.substring(colon + 1);
        List<String[]> passwd = entries(root, "passwd");
        List<String[]> group = entries(root, "group");
        String[] pw = null;
        Integer uid = number(userPart, "user", spec);
        for (String[] e : passwd) {
            if (e.length >= 4 && (uid == null ? e[0].equals(userPart) : e[2].equals(String.valueOf(uid)))) {
                pw = e;
                break;
            }
        }
        if (uid == null) {
            if (pw == null) {
                throw new IllegalArgumentException(
                        "user '" + userPart + "' is not in the image's /etc/passwd (give a numeric uid:gid)");
            }
            uid = number(pw[2], "uid of " + userPart, spec);
        }
        int gid;
        if (groupPart != null) {
            Integer g = number(groupPart, "group", spec);
            if (g == null) {
                g = groupId(group, groupPart);
                if (g == null) {
                    throw new IllegalArgumentException(
                            "group '" + groupPart + "' is not in the image's /etc/group (give a numeric gid)");
                }
            }
            gid = g;
        } else {
            gid = pw == null ? 0 : number(pw[3], "gid of " + userPart, spec);
        }
        TreeSet<Integer> groups = new TreeSet<>();
        groups.add(gid);
        if (groupPart == null && pw != null) {
            for (String[] g : group) {
                if (g.length >= 4 && List.of(g[3].split(",")).contains(pw[0])) {
                    Integer id = number(g[2], "gid of group " + g[0], spec);
                    if (id != null) {
                        groups.add(id);
                    }
                }
            }
        }
        String home = pw != null && pw.length >= 6 && !pw[5].isEmpty() ? pw[5] : "/";
        return new ImageUser(uid, gid, new ArrayList<>(groups), home);
    }

    private static Integer groupId(List<String[]> group, String name) {
        for (String[] e : group) {
            if (e.length >= 3 && e[0].equals(name)) {
                try {
                    return Integer.parseInt(e[2]);
                } catch (NumberFormatException ignored) {
                    return null;
                }
            }
        }
        return null;
    }

    /** A number in 0..2^31-1, null for a name; a name that looks like a negative number is an error. */
    private static Integer number(String s, String what, String spec) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException("bad image user '" + spec + "': empty " + what);
        }
        if (!s.chars().allMatch(Character::isDigit)) {
            return null;
        }
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad image user '" + spec + "': " + what + " out of range");
        }
    }

    private static List<String[]> entries(Path root, String file) {
        Path etc = root.resolve("etc");
        Path p = etc.resolve(file);
        if (Files.isSymbolicLink(etc) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try {
            if (Files.size(p) > (4 << 20)) {
                throw new IllegalArgumentException("the image's /etc/" + file + " is larger than 4 MiB");
            }
            List<String[]> out = new ArrayList<>();
            for (String line : Files.readAllLines(p, StandardCharsets.ISO_8859_1)) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    out.add(line.split(":", -1));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
