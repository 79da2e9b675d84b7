package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One-time dashboard sign-in links, through a real control plane's API. */
class SignInLinksTest {
    @TempDir
    Path scratch;

    private static String code(String url) {
        return url.substring(url.indexOf("#signin=") + "#signin=".length());
    }

    @Test
    void aLinkSignsInOnce_asTheAdmin_andOnlyTheAdminMakesThem() throws Exception {
        try (ControlPlane cp = ControlPlane.start(Guests.noVmConfig(scratch, scratch.resolve("data")))) {
            Http http = new Http(cp.apiUrl());
            String admin = Guests.adminToken(cp);
            String acme = http.tenantToken(admin, "acme");

            String printed = cp.signInLink();
            assertThat(printed).startsWith(cp.apiUrl() + "/#signin=");
            Http.Answer made = http.post("/v1/signin-links", admin, null);
            assertThat(made.status()).as(made.body()).isEqualTo(201);
            String url = made.json().path("url").asText();
            assertThat(code(url)).isNotEqualTo(code(printed)).matches("[a-z2-7]{32}");

            Http.Answer in = http.post("/v1/signin", null, "{\"code\":\"" + code(url) + "\"}");
            assertThat(in.status()).as(in.body()).isEqualTo(200);
            assertThat(in.json().path("token").asText()).isEqualTo(admin);
            Http.Answer again = http.post("/v1/signin", null, "{\"code\":\"" + code(url) + "\"}");
            assertThat(again.status()).isEqualTo(401);
            assertThat(again.body()).contains("used or has expired");
            assertThat(http.post("/v1/signin", null, "{\"code\":\"" + code(printed) + "\"}")
                            .status())
                    .as("the link wisp up printed works once too")
                    .isEqualTo(200);
            assertThat(http.post("/v1/signin", null, "{\"code\":\"nope\"}").status())
                    .isEqualTo(401);
            assertThat(http.post("/v1/signin-links", acme, null).status())
                    .as("a tenant cannot mint admin sign-ins")
                    .isEqualTo(404);
            assertThat(http.post("/v1/signin-links", null, null).status()).isEqualTo(401);
        }
    }

    @Test
    void aLinkExpiresAfterTenMinutes_andAtMostSixteenStayOpen() throws Exception {
        Path tokenFile = Files.writeString(scratch.resolve("admin-token"), "wisp_admin\n");
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-02T10:00:00Z"));
        InstantSource clock = now::get;
        SignInLinks links = new SignInLinks(tokenFile, () -> "http://api", clock);
        String late = code(links.create().url());
        now.set(now.get().plus(SignInLinks.TTL).plus(Duration.ofSeconds(1)));
        assertThat(links.redeem(late)).isFalse();

        String fresh = code(links.create().url());
        assertThat(links.redeem(fresh)).isTrue();
        String first = code(links.create().url());
        for (int i = 0; i < SignInLinks.MAX_OPEN; i++) {
            links.create();
        }
        assertThat(links.redeem(first)).as("the oldest of 17 went").isFalse();
    }
}
