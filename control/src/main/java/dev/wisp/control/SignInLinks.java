package dev.wisp.control;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One-time dashboard sign-in links: {@code wisp up} (and {@code wisp dashboard}) print
 * {@code API/#signin=CODE}; the page trades the code for the admin token once, within
 * {@link #TTL}, and keeps it for the tab's session. The code sits in the URL's fragment, which
 * browsers do not send, so it reaches no access log; only its hash is kept, in memory.
 */
final class SignInLinks {
    static final Duration TTL = Duration.ofMinutes(10);
    /** Open links at most; the oldest goes first. */
    static final int MAX_OPEN = 16;

    static final Set<String> FIELDS = Set.of("code");

    private final Map<String, Instant> open = new LinkedHashMap<>();
    private final Path adminTokenFile;
    private final InstantSource clock;
    private final Supplier<String> apiUrl;

    SignInLinks(Path adminTokenFile, Supplier<String> apiUrl, InstantSource clock) {
        this.adminTokenFile = adminTokenFile;
        this.apiUrl = apiUrl;
        this.clock = clock;
    }

    void register(ApiRoutes r) {
        r.open("POST", "/v1/signin", (c, who, p) -> {
            JsonNode body = Fields.object(c.body());
            Fields.onlyKnown(body, "a sign-in", FIELDS);
            String code = Fields.string(body, "code", "", "");
            if (!redeem(code)) {
                throw new ApiException(
                        401,
                        "unauthorized",
                        "this sign-in link was used or has expired: run 'wisp dashboard' for a new one");
            }
            return Reply.json(200, new Shapes.SignedIn(adminToken()));
        });
        r.add("POST", "/v1/signin-links", (c, who, p) -> {
            who.requireAdmin();
            return Reply.json(201, create());
        });
    }

    /** A new link, valid once for {@link #TTL}. */
    synchronized Shapes.SignInLink create() {
        Instant now = clock.instant();
        open.values().removeIf(expiry -> !now.isBefore(expiry));
        if (open.size() >= MAX_OPEN) {
            Iterator<String> oldest = open.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        String code = Tokens.newToken().substring("wisp_".length());
        Instant expiry = now.plus(TTL);
        open.put(Tokens.hash(code), expiry);
        return new Shapes.SignInLink(apiUrl.get() + "/#signin=" + code, expiry.toString());
    }

    synchronized boolean redeem(String code) {
        Instant expiry = open.remove(Tokens.hash(code));
        return expiry != null && clock.instant().isBefore(expiry);
    }

    private String adminToken() {
        try {
            return Files.readString(adminTokenFile).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the admin token at " + adminTokenFile, e);
        }
    }
}
