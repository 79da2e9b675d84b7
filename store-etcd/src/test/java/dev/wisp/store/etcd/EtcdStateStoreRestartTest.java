package dev.wisp.store.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wisp.store.RecordingListener;
import dev.wisp.store.StoreException;
import dev.wisp.store.Watch;
import dev.wisp.store.WatchEvent;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user of the store sees when etcd goes away and comes back. */
class EtcdStateStoreRestartTest {

    private static final Duration TIMEOUT = EtcdStateStore.DEFAULT_TIMEOUT;
    /** How long a failing call may take at most: the timeout, plus slack for a busy machine. */
    private static final long BOUND_SECONDS = TIMEOUT.toSeconds() * 6;

    @TempDir
    Path dir;

    @Test
    void etcdKilledMidRun_callsFailNamingTheEndpointWithinTheTimeout_andWorkAgainAfterRestartOnTheSameData()
            throws Exception {
        try (EtcdProcess etcd = EtcdProcess.start(dir);
                EtcdStateStore store = EtcdStateStore.connect(List.of(etcd.endpoint()), TIMEOUT)) {
            long written = store.put("r/a", b("1"));
            RecordingListener events = new RecordingListener();
            Watch watch = store.watch("r/", 0, events);

            etcd.kill();

            for (Supplier<Object> call : List.<Supplier<Object>>of(
                    () -> store.put("r/b", b("2")), () -> store.get("r/a"), store::revision)) {
                CompletableFuture<Object> f = CompletableFuture.supplyAsync(call);
                assertThatThrownBy(() -> f.get(BOUND_SECONDS, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .cause()
                        .isInstanceOf(StoreException.class)
                        .hasMessageContaining(etcd.endpoint().toString());
            }

            etcd.restart();
            long revision = awaitAnswer(store::revision);
            assertThat(revision).isEqualTo(written);
            assertThat(store.get("r/a").orElseThrow().valueUtf8()).isEqualTo("1");
            long after = store.put("r/c", b("3"));

            assertThat(after).isEqualTo(written + 1);
            WatchEvent e = events.take(1, Duration.ofSeconds(30)).get(0);
            assertThat(e.key()).isEqualTo("r/c");
            assertThat(e.revision()).isEqualTo(after);
            assertThat(events.error.getNow(null))
                    .as("the watch rode out the outage")
                    .isNull();
            watch.cancel();
        }
    }

    @Test
    void connectWhereNoEtcdListens_failsNamingTheEndpointWithinTheTimeout() throws Exception {
        URI nowhere;
        try (ServerSocket s = new ServerSocket(0)) {
            nowhere = URI.create("http://127.0.0.1:" + s.getLocalPort());
        }

        CompletableFuture<EtcdStateStore> f =
                CompletableFuture.supplyAsync(() -> EtcdStateStore.connect(List.of(nowhere), TIMEOUT));

        assertThatThrownBy(() -> f.get(BOUND_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(nowhere.toString());
    }

    @Test
    void connectWithoutEndpoints_isRejected() {
        assertThatThrownBy(() -> EtcdStateStore.connect(List.of(), TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("endpoint");
    }

    /** Retries {@code call} until etcd answers it (bounded): the client reconnects on its own schedule. */
    private static <T> T awaitAnswer(Supplier<T> call) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return call.get();
            } catch (StoreException e) {
                if (System.nanoTime() - until > 0) {
                    throw new AssertionError("etcd did not answer within 60 s after its restart", e);
                }
                Thread.sleep(200);
            }
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }
}
