package dev.wisp.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * What an image says about running it (its config blob's {@code config} section), for the step that
 * builds a Wisp image from it.
 *
 * @param entrypoint   Entrypoint, empty when unset
 * @param cmd          Cmd, empty when unset
 * @param env          Env as {@code NAME=value}
 * @param workingDir   WorkingDir, "" when unset (meaning /)
 * @param user         User ({@code name}, {@code uid}, {@code uid:gid}, ...), "" when unset (root)
 * @param exposedPorts ExposedPorts in the order the config lists them
 * @param os           the image's os
 * @param architecture the image's architecture
 * @param diffIds      digests of the uncompressed layers, in order
 */
public record ImageConfig(
        List<String> entrypoint,
        List<String> cmd,
        List<String> env,
        String workingDir,
        String user,
        List<Port> exposedPorts,
        String os,
        String architecture,
        List<Digest> diffIds) {

    /** An exposed port: {@code 8080/tcp}. */
    public record Port(int port, String protocol) {
        @Override
        public String toString() {
            return port + "/" + protocol;
        }
    }

    public ImageConfig {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
        exposedPorts = List.copyOf(exposedPorts);
        diffIds = List.copyOf(diffIds);
    }

    /** What the container runs: Entrypoint followed by Cmd. */
    public List<String> command() {
        List<String> all = new ArrayList<>(entrypoint);
        all.addAll(cmd);
        return all;
    }

    static ImageConfig parse(byte[] json, String where) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new OciException(where + ": config is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new OciException(where + ": config is not a JSON object");
        }
        JsonNode c = root.path("config");
        List<Port> ports = new ArrayList<>();
        for (Iterator<String> it = c.path("ExposedPorts").fieldNames(); it.hasNext(); ) {
            ports.add(port(it.next(), where));
        }
        List<Digest> diffIds = new ArrayList<>();
        for (JsonNode d : root.path("rootfs").path("diff_ids")) {
            diffIds.add(Digest.parse(d.asText()));
        }
        return new ImageConfig(
                strings(c.get("Entrypoint"), where, "Entrypoint"),
                strings(c.get("Cmd"), where, "Cmd"),
                strings(c.get("Env"), where, "Env"),
                c.path("WorkingDir").asText(""),
                c.path("User").asText(""),
                ports,
                root.path("os").asText(""),
                root.path("architecture").asText(""),
                diffIds);
    }

    private static Port port(String spec, String where) {
        String[] parts = spec.split("/", -1);
        String proto = parts.length > 1 ? parts[1] : "tcp";
        try {
            int p = Integer.parseInt(parts[0]);
            if (parts.length <= 2
                    && p >= 1
                    && p <= 65535
                    && (proto.equals("tcp") || proto.equals("udp") || proto.equals("sctp"))) {
                return new Port(p, proto);
            }
        } catch (NumberFormatException e) {
            // falls through to the error
        }
        throw new OciException(where + ": bad exposed port '" + spec + "' (want PORT[/tcp|udp|sctp], 1-65535)");
    }

    private static List<String> strings(JsonNode n, String where, String field) {
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw new OciException(where + ": config " + field + " is not a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw new OciException(where + ": config " + field + " is not a list of strings");
            }
            out.add(e.asText());
        }
        return out;
    }
}
