package dev.wisp.cli;

import dev.wisp.common.WispHome;
import dev.wisp.sdk.WispClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the control plane is and who we are. Each setting falls back to an environment variable,
 * then to the local {@code wisp up}: {@code http://127.0.0.1:7070} and its admin token file.
 */
class ApiOptions {
    static final String DEFAULT_API = "http://127.0.0.1:7070";

    @Option(
            names = "--api",
            paramLabel = "URL",
            description = "Control plane API (env WISP_API; default " + DEFAULT_API + ").")
    String api;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            description = "API token (env WISP_TOKEN; default: the admin token of the local 'wisp up').")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", description = "Read the API token from FILE.")
    Path tokenFile;

    URI apiUrl() {
        String url = firstSet(api, System.getenv("WISP_API"), DEFAULT_API);
        try {
            URI u = URI.create(url);
            if (u.getHost() == null) {
                throw new IllegalArgumentException("--api needs a URL like http://host:7070, got '" + url + "'");
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--api needs a URL like http://host:7070, got '" + url + "'");
        }
    }

    /** @return the token, or throws {@link Errors.NoTokenException} saying where it looked */
    String token() {
        if (token != null && !token.isBlank()) {
            return token.strip();
        }
        if (tokenFile != null) {
            return read(tokenFile);
        }
        String env = System.getenv("WISP_TOKEN");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        Path local = defaultTokenFile();
        if (Files.isReadable(local)) {
            return read(local);
        }
        throw new Errors.NoTokenException(
                "no API token: pass --token or --token-file, set WISP_TOKEN, or run 'wisp up' here" + " (it writes "
                        + local + ")");
    }

    /** A client for this API and token, to be finished by the caller (a longer timeout, say). */
    WispClient.Builder clientBuilder() {
        return WispClient.builder().baseUrl(apiUrl()).token(token());
    }

    WispClient client() {
        return clientBuilder().build();
    }

    static Path defaultTokenFile() {
        return WispHome.resolve().resolve("data").resolve("admin-token");
    }

    private static String read(Path file) {
        try {
            String t = Files.readString(file).strip();
            if (t.isEmpty()) {
                throw new IllegalArgumentException("token file is empty: " + file);
            }
            return t;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read token file " + file + ": " + e.getMessage());
        }
    }

    private static String firstSet(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        throw new IllegalStateException("no value and no default");
    }
}
