package dev.wisp.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.store.StateStore;
import dev.wisp.store.StateStores;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InvocationStoreTest {
    @TempDir
    Path dir;

    private static Invocation queued(String id) {
        return new Invocation(
                id,
                "fn",
                Invocation.State.QUEUED,
                0,
                0,
                null,
                null,
                "POST",
                "/",
                Map.of("Content-Type", "text/plain"),
                "aGk=",
                "http://127.0.0.1:9/cb",
                null,
                1000,
                1000,
                0);
    }

    @Test
    void invocations_surviveAReopenOfTheStore_withDeadLettersListedApart() {
        try (StateStore s = StateStores.embedded(dir)) {
            InvocationStore store = new InvocationStore(s);
            store.put(queued("inv_a"));
            Invocation b = queued("inv_b");
            store.put(b.with(Invocation.State.DEAD, 3, 500, null, "HTTP 500: boom", 4000));
        }
        try (StateStore s = StateStores.embedded(dir)) {
            InvocationStore store = new InvocationStore(s);
            Invocation a = store.get("fn", "inv_a").orElseThrow();
            assertThat(a.state()).isEqualTo(Invocation.State.QUEUED);
            assertThat(a.headers()).containsEntry("Content-Type", "text/plain");
            assertThat(store.all("fn")).extracting(Invocation::id).containsExactly("inv_a", "inv_b");
            assertThat(store.deadLetters("fn")).singleElement().satisfies(d -> {
                assertThat(d.id()).isEqualTo("inv_b");
                assertThat(d.attempts()).isEqualTo(3);
                assertThat(d.durationMs()).isEqualTo(3000);
                assertThat(d.error()).isEqualTo("HTTP 500: boom");
            });
            assertThat(store.get("other", "inv_a")).isEmpty();
        }
    }

    @Test
    void apiView_speaksTheDocumentedStatesInLowerCase_andLeavesTheRequestOut() throws Exception {
        String api = new com.fasterxml.jackson.databind.ObjectMapper()
                .writeValueAsString(queued("inv_c").toApi());
        assertThat(api)
                .contains("\"state\":\"queued\"", "\"id\":\"inv_c\"", "\"callback\":null")
                .doesNotContain("requestBody", "headers");
    }
}
