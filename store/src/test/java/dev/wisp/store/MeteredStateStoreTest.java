package dev.wisp.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metered wrapper keeps the whole store contract and counts what went through it. */
class MeteredStateStoreTest extends StateStoreContract {
    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private EmbeddedStateStore inner;

    @Override
    protected StateStore open() {
        inner = (EmbeddedStateStore) StateStores.embedded(
                dir, EmbeddedOptions.defaults().withClock(clock).withLeaseCheckInterval(Duration.ZERO));
        return new MeteredStateStore(inner, registry);
    }

    @Override
    protected void elapse(Duration d) {
        clock.advance(d);
        inner.expireDueLeases();
    }

    private String key(String k) {
        return ns + k;
    }

    @Test
    void writesAndWatchEvents_areCountedAndCommitsTimed() throws Exception {
        RecordingListener seen = new RecordingListener();
        try (Watch w = store.watch(key(""), store.revision() + 1, seen)) {
            store.put(key("a"), b("1"));
            store.put(key("b"), b("2"));
            store.txn(
                    List.of(Compare.modRevision(key("a"), 999)),
                    List.of(Op.put(key("c"), b("3"))),
                    List.of(Op.delete(key("b"))));
            store.get(key("a"));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (registry.counter("wisp.store.watch.events", "type", "delete").count() < 1
                    && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
        assertThat(registry.counter("wisp.store.puts").count()).isEqualTo(2);
        assertThat(registry.counter("wisp.store.deletes").count()).isEqualTo(1);
        assertThat(registry.counter("wisp.store.txn.failed.compares").count()).isEqualTo(1);
        assertThat(registry.counter("wisp.store.watch.events", "type", "put").count())
                .isEqualTo(2);
        assertThat(registry.counter("wisp.store.watch.events", "type", "delete").count())
                .isEqualTo(1);
        assertThat(registry.timer("wisp.store.commit").count()).isEqualTo(3);
        assertThat(registry.timer("wisp.store.requests", "op", "get").count()).isEqualTo(1);
    }
}
