package dev.wisp.oci;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where an image comes from: a registry ({@code host[:port]/name[:tag][@sha256:hex]}; no host means
 * Docker Hub, as with {@code docker pull}) or a file form ({@code oci:DIR[:tag]},
 * {@code oci-archive:FILE[:tag]}, {@code docker-archive:FILE}).
 */
public record ImageReference(Kind kind, String registry, String repository, String tag, Digest digest, Path path) {

    /** The transports understood in a reference. */
    public enum Kind {
        REGISTRY,
        OCI_DIR,
        OCI_ARCHIVE,
        DOCKER_ARCHIVE
    }

    static final String DOCKER_HUB = "docker.io";
    private static final int MAX_NAME = 255;
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern HOST = Pattern.compile(
            "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:.]+\\])");

    /** Parses a reference; a bad one gets a one-line error naming it and what is wrong. */
    public static ImageReference parse(String text) {
        if (text == null || text.isBlank()) {
            throw bad(text, "empty reference");
        }
        String s = text.strip();
        if (s.startsWith("oci:")) {
            return fileForm(text, Kind.OCI_DIR, s.substring(4), true);
        }
        if (s.startsWith("oci-archive:")) {
            return fileForm(text, Kind.OCI_ARCHIVE, s.substring("oci-archive:".length()), true);
        }
        if (s.startsWith("docker-archive:")) {
            return fileForm(text, Kind.DOCKER_ARCHIVE, s.substring("docker-archive:".length()), false);
        }
        if (s.startsWith("docker://")) {
            s = s.substring("docker://".length());
        }
        if (s.contains("://")) {
            throw bad(text, "unknown transport (use host/name:tag, oci:DIR, oci-archive:FILE or docker-archive:FILE)");
        }
        Digest digest = null;
        int at = s.indexOf('@');
        if (at >= 0) {
            try {
                digest = Digest.parse(s.substring(at + 1));
            } catch (OciException e) {
                throw bad(text, e.getMessage());
            }
            s = s.substring(0, at);
        }
        String tag = null;
        int colon = s.lastIndexOf(':');
        if (colon > s.lastIndexOf('/')) {
            tag = s.substring(colon + 1);
            if (!TAG.matcher(tag).matches()) {
                throw bad(
                        text,
                        "bad tag '" + tag
                                + "' (letters, digits, '_', '.', '-'; at most 128; not starting with '.' or '-')");
            }
            s = s.substring(0, colon);
        }
        String registry = DOCKER_HUB;
        int slash = s.indexOf('/');
        if (slash > 0) {
            String first = s.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = checkHost(text, first);
                s = s.substring(slash + 1);
            }
        }
        if (s.isEmpty()) {
            throw bad(text, "no repository name");
        }
        for (String c : s.split("/", -1)) {
            if (!COMPONENT.matcher(c).matches()) {
                String hint = c.equals(c.toLowerCase(Locale.ROOT)) ? "" : " (repository names are lowercase)";
                throw bad(text, "bad repository name component '" + c + "'" + hint);
            }
        }
        if (registry.equals(DOCKER_HUB) && !s.contains("/")) {
            s = "library/" + s;
        }
        if (registry.length() + 1 + s.length() > MAX_NAME) {
            throw bad(text, "name longer than " + MAX_NAME + " characters");
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
        return new ImageReference(Kind.REGISTRY, registry, s, tag, digest, null);
    }

    private static ImageReference fileForm(String text, Kind kind, String rest, boolean tagAllowed) {
        String tag = null;
        String file = rest;
        if (tagAllowed) {
            int colon = rest.lastIndexOf(':');
            if (colon > rest.lastIndexOf('/')) {
                tag = rest.substring(colon + 1);
                file = rest.substring(0, colon);
                if (!TAG.matcher(tag).matches()) {
                    throw bad(text, "bad tag '" + tag + "'");
                }
            }
        }
        if (file.isEmpty()) {
            throw bad(text, "no path after the transport");
        }
        return new ImageReference(kind, null, null, tag, null, Path.of(file));
    }

    private static String checkHost(String text, String hostPort) {
        String host = hostPort;
        int colon = hostPort.lastIndexOf(':');
        if (colon > hostPort.lastIndexOf(']')) {
            host = hostPort.substring(0, colon);
            String port = hostPort.substring(colon + 1);
            int p;
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                p = -1;
            }
            if (p < 1 || p > 65535) {
                throw bad(text, "bad registry port '" + port + "' (1-65535)");
            }
        }
        if (!HOST.matcher(host).matches()) {
            throw bad(text, "bad registry host '" + host + "'");
        }
        return hostPort;
    }

    private static OciException bad(String text, String why) {
        return new OciException("bad image reference '" + text + "': " + why);
    }

    /** The tag or digest asked for in a manifest request; the digest wins when both are given. */
    public String manifestReference() {
        return digest != null ? digest.toString() : tag;
    }

    /** Host and port to connect to (Docker Hub's API lives on its own host). */
    String endpoint() {
        return registry.equals(DOCKER_HUB) ? "registry-1.docker.io" : registry;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case REGISTRY ->
                registry + "/" + repository + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
            case OCI_DIR -> "oci:" + path + (tag != null ? ":" + tag : "");
            case OCI_ARCHIVE -> "oci-archive:" + path + (tag != null ? ":" + tag : "");
            case DOCKER_ARCHIVE -> "docker-archive:" + path;
        };
    }
}
