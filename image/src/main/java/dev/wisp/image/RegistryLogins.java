package dev.wisp.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wisp.oci.ImageReference;
import dev.wisp.oci.RegistryOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Basic credentials per registry host ({@code wisp registry login HOST}), and optionally the CA
 * file its certificate is checked with, kept in
 * {@code $WISP_HOME/registries.json}, mode 0600 (written to a 0600 temp file and renamed, so it is
 * never readable by others, not even half-written). Pulls of that host use them; others stay anonymous.
 */
public final class RegistryLogins {
    /** File name under the Wisp home. */
    public static final String FILE = "registries.json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    /** @param home Wisp's home directory */
    public RegistryLogins(Path home) {
        this.file = home.resolve(FILE);
    }

    /** Stores (or replaces) the credentials for {@code host[:port]}. */
    public void save(String host, String user, String password) {
        save(host, user, password, null);
    }

    /**
     * Stores (or replaces) the credentials for {@code host[:port]}, and the CA file its TLS
     * certificate is checked with besides the system's CAs.
     *
     * @param caFile a PEM file, or null for the system's CAs only
     */
    public void save(String host, String user, String password, Path caFile) {
        if (caFile != null && !Files.isRegularFile(caFile)) {
            throw new IllegalArgumentException("CA file " + caFile + " is not a readable file");
        }
        if (host == null || !host.matches("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?")) {
            throw new IllegalArgumentException("bad registry host '" + host + "' (want HOST or HOST:PORT)");
        }
        if (user == null || user.isEmpty() || user.contains(":") || password == null || password.isEmpty()) {
            throw new IllegalArgumentException("give a user name (without ':') and a non-empty password");
        }
        ObjectNode all = read();
        ObjectNode login = all.putObject(host).put("username", user).put("password", password);
        if (caFile != null) {
            login.put("caFile", caFile.toAbsolutePath().toString());
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(
                    file.getParent(),
                    ".registries-",
                    ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param insecure {@code host[:port]} names that may be spoken to over plain HTTP besides loopback
     * @return options for pulling {@code ref}: its host's credentials and CA file, if stored
     */
    public RegistryOptions optionsFor(ImageReference ref, Set<String> insecure) {
        RegistryOptions o = RegistryOptions.defaults().withInsecure(insecure);
        if (ref.kind() != ImageReference.Kind.REGISTRY) {
            return o;
        }
        JsonNode login = read().path(ref.registry());
        if (login.hasNonNull("username") && login.hasNonNull("password")) {
            o = o.withCredentials(
                    login.get("username").asText(), login.get("password").asText());
        }
        if (login.hasNonNull("caFile")) {
            o = o.withCaFile(Path.of(login.get("caFile").asText()));
        }
        return o;
    }

    private ObjectNode read() {
        if (!Files.isRegularFile(file)) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode n = JSON.readTree(file.toFile());
            if (n instanceof ObjectNode o) {
                return o;
            }
            throw new IllegalArgumentException(file + " is not a JSON object: log in again");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not readable JSON (" + e.getMessage() + "): log in again");
        }
    }
}
