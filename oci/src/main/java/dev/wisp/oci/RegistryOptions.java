package dev.wisp.oci;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * How to reach registries.
 *
 * @param username          basic-auth user for the registry (and its token service), or null for anonymous
 * @param password          its password, or null
 * @param caFile            PEM file of extra CA certificates trusted besides the system's, or null
 * @param insecureRegistries {@code host[:port]} names that may be spoken to over plain HTTP; loopback always may
 * @param connectTimeout    for each TCP/TLS connect
 * @param requestTimeout    for each request until its answer's headers arrive
 */
public record RegistryOptions(
        String username,
        String password,
        Path caFile,
        Set<String> insecureRegistries,
        Duration connectTimeout,
        Duration requestTimeout) {

    public RegistryOptions {
        insecureRegistries = Set.copyOf(insecureRegistries);
        if (connectTimeout.isNegative()
                || connectTimeout.isZero()
                || requestTimeout.isNegative()
                || requestTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("give both username and password, or neither");
        }
    }

    /** Anonymous, system CAs only, connect 10 s, requests 60 s. */
    public static RegistryOptions defaults() {
        return new RegistryOptions(null, null, null, Set.of(), Duration.ofSeconds(10), Duration.ofSeconds(60));
    }

    public RegistryOptions withCredentials(String user, String pass) {
        return new RegistryOptions(user, pass, caFile, insecureRegistries, connectTimeout, requestTimeout);
    }

    public RegistryOptions withCaFile(Path file) {
        return new RegistryOptions(username, password, file, insecureRegistries, connectTimeout, requestTimeout);
    }

    public RegistryOptions withInsecure(Set<String> registries) {
        return new RegistryOptions(username, password, caFile, registries, connectTimeout, requestTimeout);
    }

    public RegistryOptions withTimeouts(Duration connect, Duration request) {
        return new RegistryOptions(username, password, caFile, insecureRegistries, connect, request);
    }

    @Override
    public String toString() {
        // never print the password
        return "RegistryOptions[user=" + username + ", caFile=" + caFile + ", insecure=" + insecureRegistries
                + ", connect=" + connectTimeout + ", request=" + requestTimeout + "]";
    }
}
